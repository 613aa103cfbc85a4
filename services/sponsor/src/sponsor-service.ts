/**
 * The sponsor as a service: SponsorDesk behind HTTP (`POST /v1/sponsorships`, `GET
 * /v1/sponsorships/:digest`, with health, readiness, metrics and /openapi.json) and gRPC, callers
 * authenticated with the relay's API keys; and the sending side, one sender per sponsor account
 * under its own leader election, with every step in PostgreSQL; and, with a treasury key, the
 * treasury keeping the sponsor accounts (and others named) above their minimum.
 */
import { Module } from '@nestjs/common';
import { JsonRpcPool } from '@anchorpost/chains';
import type { TransactionSigner } from '@anchorpost/chains';
import type { Database } from '@anchorpost/db';
import type { ElectionFactory } from '@anchorpost/leader-election';
import { outboxRelay, TenantAccess } from '@anchorpost/relay-core';
import type { ErgoBlockView, TenantReads } from '@anchorpost/relay-core';
import { createLogger, ServiceMetrics, startServiceApp } from '@anchorpost/service-kit';
import type { Logger, RunningService } from '@anchorpost/service-kit';
import { RpcSponsorChain } from '@anchorpost/sponsor-contracts';
import { SponsorDesk } from '@anchorpost/sponsor-core';
import type { TransactionState } from '@anchorpost/sponsor-core';
import { startSponsorGrpcServer } from './grpc/sponsor-grpc-server.ts';
import { ledgerRoutes } from './http/ledger-routes.ts';
import { sponsorshipRoutes } from './http/sponsorship-routes.ts';
import { ledgerAnchoringTerms } from './ledger/ledger-anchoring.ts';
import { ledgerAuditTerms } from './ledger/ledger-audit.ts';
import { PostgresSponsorLedger } from './ledger/postgres-sponsor-ledger.ts';
import type { SponsorLedgerConfig } from './ledger/sponsor-ledger-config.ts';
import { ReceiptAudit } from './ledger/receipt-audit.ts';
import { sponsorshipMetrics } from './sponsorship-metrics.ts';
import { ledgerProofsFromConfig } from './ledger/ledger-proofs.ts';
import { TenantLedger } from './ledger/tenant-ledger.ts';
import { PostgresSponsorTransactionStore } from './sending/postgres-sponsor-transaction-store.ts';
import { openSponsorSending } from './sending/sponsor-sending.ts';
import type { SponsorAccount } from './sending/sponsor-sending.ts';
import type { SponsorConfig } from './sponsor-config.ts';
import type { SponsorPolicies } from './sponsor-policy-file.ts';
import { SponsorshipAnswers } from './sponsorship-answers.ts';
import { evmTreasuryChain } from './treasury/evm-treasury-chain.ts';
import { Treasury } from './treasury/treasury.ts';
import type { TreasuryAccount } from './treasury/treasury.ts';
import { treasuryTerms } from './treasury/treasury-loop.ts';
import { SPONSOR_METRICS } from './sponsor-metrics.ts';

export interface SponsorServiceOptions {
  /** `loadConfig(sponsorConfigSchema, env)`. */
  readonly config: SponsorConfig;
  /** An opened, migrated @anchorpost/db Database: sponsorships, sponsor transactions, API keys. */
  readonly database: Database;
  /** The chain's RPC (`evmRpc` adapter of @anchorpost/runtime). */
  readonly rpc: { readonly rpcUrls: readonly string[]; readonly chainId: number };
  readonly policies: SponsorPolicies;
  /** The shared account's key: it pays for every tenant without an account of its own. */
  readonly sharedSigner: TransactionSigner;
  /** The tenants' own accounts' keys. */
  readonly tenantSigners: ReadonlyMap<string, TransactionSigner>;
  /** The treasury's key, when the treasury runs (ANCHORPOST_SPONSOR_TREASURY_KEY_FILE). */
  readonly treasurySigner?: TransactionSigner;
  /** The Ergo addresses the treasury keeps funded (the anchorer's float: `ergoTreasuryAccounts`). */
  readonly ergoTreasuryAccounts?: readonly TreasuryAccount[];
  /** Where API keys are read (the relay's tenants, in the same database). */
  readonly tenants: TenantReads;
  /** One election per account (`accountElections`); undefined: this replica always sends. */
  readonly electionFor?: (account: string) => ElectionFactory | undefined;
  /**
   * The ledger's way to the relay (`loadConfig(sponsorLedgerConfigSchema, env)`); undefined or
   * without a relay URL: the lines are kept in PostgreSQL only. `ergoBlocks`: another view of the
   * Ergo chain than the configured node's (tests).
   */
  readonly ledger?: { readonly config: SponsorLedgerConfig; readonly ergoBlocks?: ErgoBlockView };
  readonly logger?: Logger;
  readonly metrics?: ServiceMetrics;
  readonly handleSignals?: boolean;
}

function ledgerOutbox(options: SponsorServiceOptions) {
  const ledger = options.ledger;
  if (ledger === undefined) return Promise.resolve(undefined);
  const { config } = ledger;
  const setting = (value: string, env: string) => ({ value, env });
  return outboxRelay(
    {
      relayUrl: setting(config.relayUrl, 'ANCHORPOST_SPONSOR_LEDGER_RELAY_URL'),
      apiKeyFile: setting(config.relayApiKeyFile, 'ANCHORPOST_SPONSOR_LEDGER_RELAY_API_KEY_FILE'),
      identityFile: setting(config.identityFile, 'ANCHORPOST_SPONSOR_LEDGER_IDENTITY_FILE'),
      groupFile: setting(config.groupFile, 'ANCHORPOST_SPONSOR_LEDGER_GROUP_FILE'),
      ergoNodeUrl: setting(config.ergoNodeUrl, 'ANCHORPOST_SPONSOR_LEDGER_ERGO_NODE_URL'),
    },
    ledger.ergoBlocks,
  );
}

/** The sponsor accounts' transactions from the forwarder's deploy block (ledger config), audited against the charges. */
async function receiptAudit(
  options: SponsorServiceOptions,
  rpc: JsonRpcPool,
  sharedAccount: string,
  metrics: ServiceMetrics,
): Promise<ReceiptAudit> {
  const accounts = new Map<string, string | undefined>([[sharedAccount, undefined]]);
  for (const [tenant, signer] of options.tenantSigners) accounts.set(await signer.getAddress(), tenant);
  return new ReceiptAudit({
    rpc,
    store: options.database.sponsorAudit,
    accounts,
    startBlock: options.ledger?.config.forwarderDeployBlock ?? 0,
    finalityDepth: Math.max(options.config.finalityDepth, options.config.confirmations),
    metrics,
  });
}

/**
 * The accounts the treasury keeps funded: with a treasury key, the sponsor accounts and those
 * named on the EVM chain; and the Ergo addresses (their own treasury wallet).
 */
async function treasuryAccounts(
  options: SponsorServiceOptions,
  accounts: readonly SponsorAccount[],
  rpc: JsonRpcPool,
): Promise<TreasuryAccount[]> {
  const { config, treasurySigner } = options;
  const ergo = options.ergoTreasuryAccounts ?? [];
  if (treasurySigner === undefined) return [...ergo];
  const chain = evmTreasuryChain({ rpc, signer: treasurySigner, dailyCapWei: config.treasuryDailyCap });
  const minimum = config.treasuryMinimum;
  return [
    ...(await Promise.all(
      accounts.map(async (account) => ({
        name: `sponsor:${account.tenant ?? 'shared'}`,
        address: await account.signer.getAddress(),
        minimum,
        chain,
      })),
    )),
    ...config.treasuryAccounts.map((address) => ({ name: address.toLowerCase(), address, minimum, chain })),
    ...ergo,
  ];
}

// eslint-disable-next-line @typescript-eslint/no-extraneous-class -- a Nest module is a class by design
class SponsorModule {}
Module({})(SponsorModule);

export async function startSponsorService(options: SponsorServiceOptions): Promise<RunningService> {
  const { config, database, rpc, policies } = options;
  const logger = options.logger ?? createLogger('sponsor');
  const metrics = options.metrics ?? new ServiceMetrics('sponsor', SPONSOR_METRICS);
  const pool = new JsonRpcPool({ urls: [...rpc.rpcUrls] });
  const transactions = new PostgresSponsorTransactionStore(database.sponsorTransactions);
  const ledger = new PostgresSponsorLedger(database.prisma);
  const outbox = await ledgerOutbox(options);
  const sharedAccount = await options.sharedSigner.getAddress();
  const receipts = await receiptAudit(options, pool, sharedAccount, metrics);
  const proofs =
    options.ledger === undefined
      ? undefined
      : ledgerProofsFromConfig(options.ledger.config, { chainId: rpc.chainId, rpcUrl: rpc.rpcUrls[0]! });
  const tenantLedger = new TenantLedger({ ledger, author: outbox?.author, rpc: pool, receipts, proofs });
  const desk = new SponsorDesk({
    network: {
      chainId: BigInt(rpc.chainId),
      forwarder: config.forwarder,
      governors: policies.governors,
      ballotTtlSeconds: config.ballotTtlSeconds,
    },
    store: database.sponsorships,
    chain: new RpcSponsorChain(pool),
    policyOf: (tenant) => policies.policies.get(tenant),
    sponsorAccount: sharedAccount,
    now: () => BigInt(Math.floor(Date.now() / 1000)),
  });
  const observe = sponsorshipMetrics({
    metrics,
    tenants: () => policies.policies.keys(),
    budget: (tenant) => answers.budget(tenant),
    openByState: async () =>
      Object.fromEntries(
        (
          await database.prisma.sponsorship.groupBy({
            by: ['state'],
            where: { state: { in: ['reserved', 'sent'] } },
            _count: { _all: true },
          })
        ).map((group) => [group.state, group._count._all]),
      ),
  });
  const answers = new SponsorshipAnswers({
    observe,
    desk,
    policyOf: (tenant) => policies.policies.get(tenant),
    now: () => BigInt(Math.floor(Date.now() / 1000)),
    store: database.sponsorships,
    transactionState: async (digest) =>
      (await transactions.getByDigest(digest))?.state.toLowerCase() as TransactionState | undefined,
  });
  const access = new TenantAccess({ store: options.tenants });
  const accounts: SponsorAccount[] = [
    { signer: options.sharedSigner },
    ...[...options.tenantSigners].map(([tenant, signer]) => ({ tenant, signer })),
  ];
  const sending = await openSponsorSending({
    rpcUrls: rpc.rpcUrls,
    chainId: rpc.chainId,
    forwarder: config.forwarder,
    accounts,
    transactions,
    sponsorships: database.sponsorships,
    confirmations: config.confirmations,
    finalityDepth: Math.max(config.finalityDepth, config.confirmations),
    replaceAfterMs: config.replaceAfter,
    sendMarginSeconds: config.sendMarginSeconds,
    intervalMs: config.sendInterval,
    maxBackoffMs: config.maxSendBackoff,
    electionFor: options.electionFor ?? (() => undefined),
    ledger,
    logger,
    metrics,
  });
  const anchoring =
    outbox === undefined
      ? undefined
      : ledgerAnchoringTerms({
          store: ledger,
          outbox,
          intervalMs: options.ledger!.config.interval,
          election: options.electionFor?.('ledger'),
          logger,
          metrics,
        });

  const audit =
    options.ledger === undefined
      ? undefined
      : ledgerAuditTerms({
          tenantLedger,
          receipts,
          tenants: [...policies.policies.keys()],
          intervalMs: options.ledger.config.auditInterval,
          election: options.electionFor?.('ledger-audit'),
          logger,
          metrics,
        });

  const kept = await treasuryAccounts(options, accounts, pool);
  const treasury =
    kept.length === 0
      ? undefined
      : treasuryTerms({
          treasury: new Treasury({
            accounts: kept,
            refills: database.treasuryRefills,
            logger,
            metrics,
          }),
          intervalMs: config.treasuryInterval,
          election: options.electionFor?.('treasury'),
          logger,
          metrics,
        });

  const app = await startServiceApp({
    service: 'sponsor',
    module: SponsorModule,
    host: config.host,
    port: config.httpPort,
    management: { host: config.managementHost, port: config.managementPort },
    readinessIntervalMs: config.readinessInterval,
    logger,
    metrics,
    bodyLimitBytes: 64 * 1024,
    ...(options.handleSignals === undefined ? {} : { handleSignals: options.handleSignals }),
    readiness: [
      { name: 'database', check: () => database.ping() },
      {
        name: 'chain',
        check: async () => {
          await pool.request<string>('eth_blockNumber', []);
        },
      },
    ],
    openapi: {
      title: 'Anchorpost sponsor',
      version: '1',
      description: "Gas paid for tenants' users: signed forward requests and Governor ballots.",
    },
    configure(fastify) {
      sponsorshipRoutes(fastify, { answers, access });
      ledgerRoutes(fastify, { ledger: tenantLedger, access });
    },
  });
  let grpc: Awaited<ReturnType<typeof startSponsorGrpcServer>>;
  try {
    grpc = await startSponsorGrpcServer({
      answers,
      access,
      host: config.host,
      port: config.grpcPort,
      logger,
    });
    await sending.start();
    await treasury?.start();
    await anchoring?.start();
    await audit?.start();
  } catch (error) {
    await audit?.close();
    await anchoring?.close();
    await treasury?.close();
    await sending.close();
    await app.close();
    throw error;
  }
  logger.info(
    { http: app.url, grpc: grpc.url, accounts: [...sending.engines.keys()], forwarder: config.forwarder },
    'sponsor ready',
  );
  let closing: Promise<void> | undefined;
  return {
    name: 'sponsor',
    urls: {
      http: app.url,
      grpc: grpc.url,
      ...(app.managementUrl === undefined ? {} : { management: app.managementUrl }),
    },
    close: () =>
      (closing ??= (async () => {
        await grpc.close();
        await audit?.close();
        await anchoring?.close();
        await treasury?.close();
        await sending.close();
        await app.close();
      })()),
  };
}
