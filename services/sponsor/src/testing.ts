/**
 * @anchorpost/sponsor-service/testing — the sponsor's settings for tests and benches that start it
 * in process on a local chain (anvil): ports the OS picks, one confirmation, passes every 100 ms, no
 * treasury, and policies and signers given in code rather than read from files. Override what a
 * test is about. `startSponsorStage`: the whole stage many tests share — anvil with the sponsor's
 * contracts, an embedded PostgreSQL, a tenant (`acme`) with an API key (scope `submit`) and a
 * policy for the key registry, and the service running.
 */
import { createDatabase, EMBEDDED_POOL_SIZE, migrate, startEmbeddedPostgres } from '@anchorpost/db';
import type { Database } from '@anchorpost/db';
import { newApiKey } from '@anchorpost/relay-core';
import { createLogger } from '@anchorpost/service-kit';
import type { RunningService } from '@anchorpost/service-kit';
import { anchorpostKeyRegistryInterface as registry } from '@anchorpost/sponsor-contracts';
import { startSponsorTestChain } from '@anchorpost/sponsor-contracts/testing';
import type { SponsorTestChain } from '@anchorpost/sponsor-contracts/testing';
import type { TenantPolicy } from '@anchorpost/sponsor-core';
import type { SponsorConfig } from './sponsor-config.ts';
import { PostgresTenantReads } from './postgres-tenant-reads.ts';
import { startSponsorService } from './sponsor-service.ts';
import type { SponsorServiceOptions } from './sponsor-service.ts';

export function sponsorConfigForTests(
  forwarder: string,
  overrides: Partial<SponsorConfig> = {},
): SponsorConfig {
  return {
    host: '127.0.0.1',
    httpPort: 0,
    grpcPort: 0,
    managementHost: '127.0.0.1',
    managementPort: 0,
    readinessInterval: 5_000,
    forwarder,
    policyFile: 'unused: policies given',
    keyFile: 'unused: signer given',
    confirmations: 1,
    finalityDepth: 3,
    replaceAfter: 60_000,
    sendMarginSeconds: 60,
    ballotTtlSeconds: 3_600,
    sendInterval: 100,
    maxSendBackoff: 1_000,
    treasuryKeyFile: undefined,
    treasuryMinimum: 0n,
    treasuryDailyCap: 0n,
    treasuryAccounts: [],
    treasuryInterval: 60_000,
    ...overrides,
  };
}

const ETH = 10n ** 18n;

export interface SponsorStage {
  readonly chain: SponsorTestChain;
  readonly database: Database;
  readonly service: RunningService;
  /** The tenant `acme`'s API key (scope `submit`). */
  readonly apiKey: string;
  close(): Promise<void>;
}

/** The key registry's `register`, `rotate` and `revoke` for `acme`, paid by the shared account. */
export function keyRegistryPolicy(chain: SponsorTestChain): TenantPolicy {
  const selectors = ['register', 'rotate', 'revoke'].map((name) => registry.getFunction(name)!.selector);
  return {
    tenant: 'acme',
    allow: new Map([[chain.deployment.keyRegistry, new Set(selectors)]]),
    maxGas: 500_000n,
    periodSeconds: 86_400,
    tenantBudget: { wei: 2n * ETH, count: 100 },
    userBudget: { wei: ETH, count: 10 },
    minDeadlineSeconds: 30,
  };
}

export async function startSponsorStage(
  options: {
    readonly config?: Partial<SponsorConfig>;
    /** More of the service's options (a ledger, tenants' own accounts). */
    readonly service?: Partial<Omit<SponsorServiceOptions, 'config' | 'database' | 'rpc'>>;
  } = {},
): Promise<SponsorStage> {
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer();
  };
  try {
    const chain = await startSponsorTestChain();
    closers.push(() => chain.close());
    const server = await startEmbeddedPostgres();
    closers.push(() => server.stop());
    await migrate(server.databaseUrl);
    const database = createDatabase({ databaseUrl: server.databaseUrl, poolSize: EMBEDDED_POOL_SIZE });
    closers.push(() => database.close());
    await database.prisma.tenant.create({ data: { id: 'acme' } });
    const key = newApiKey();
    await database.prisma.apiKey.create({
      data: { id: key.id, tenantId: 'acme', secretHash: key.secretHash, scopes: ['submit'] },
    });
    const service = await startSponsorService({
      config: sponsorConfigForTests(chain.deployment.forwarder, { sendInterval: 200, ...options.config }),
      database,
      rpc: { rpcUrls: [chain.anvil.rpcUrl], chainId: Number(chain.deployment.chainId) },
      policies: {
        policies: new Map([['acme', keyRegistryPolicy(chain)]]),
        governors: new Map(),
        accountKeyFiles: new Map(),
      },
      sharedSigner: chain.sponsor,
      tenantSigners: new Map(),
      tenants: new PostgresTenantReads(database.prisma),
      logger: createLogger('sponsor', { level: 'silent' }),
      handleSignals: false,
      ...options.service,
    });
    closers.push(() => service.close());
    return { chain, database, service, apiKey: key.key, close };
  } catch (error) {
    await close();
    throw error;
  }
}
