/**
 * The sponsor in the one-process platform (ANCHORPOST_PLATFORM_SPONSOR): its contracts deployed on
 * the local chain on first start and found again on the next (redeployed if the chain lost them),
 * anvil's second development account as the shared sponsor account (the first one anchors: two
 * writers must not share a nonce sequence), the policies in the data folder's
 * `sponsor-policy.json`, its ledger sent to the platform's relay (local-ledger.ts). The local
 * chain's facts win over the environment. The treasury runs with the stand-alone sponsor's
 * settings (`treasuryKeysFromSettings`): the sponsor accounts kept funded from
 * ANCHORPOST_SPONSOR_TREASURY_KEY_FILE, and, with Ergo on, the anchorer's Ergo float from the
 * wallet of ANCHORPOST_SPONSOR_TREASURY_ERGO_MNEMONIC_FILE — the address, node and network
 * defaulting to the platform's anchorer and Ergo node.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { Wallet } from 'ethers';
import { JsonRpcPool } from '@anchorpost/chains';
import type { Database } from '@anchorpost/db';
import { loadConfig } from '@anchorpost/service-kit';
import type { Logger, RunningService } from '@anchorpost/service-kit';
import { deploySponsorContracts } from '@anchorpost/sponsor-contracts';
import {
  PostgresTenantReads,
  readSponsorKeyFile,
  readSponsorPolicies,
  sponsorConfigSchema,
  startSponsorService,
  treasuryKeysFromSettings,
} from '@anchorpost/sponsor-service';
import type { DataDir } from './data-dir.ts';
import { ensureSponsorKey, ensureSponsorPolicyFile } from './local-keys.ts';
import { localLedger, type PlatformRelay } from './local-ledger.ts';

interface SponsorDeployment {
  readonly chainId: number;
  readonly forwarder: string;
  readonly keyRegistry: string;
  readonly deployBlock: number;
}

export interface LocalSponsorOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly dirs: DataDir;
  readonly chain: {
    readonly rpcUrl: string;
    readonly chainId: number;
    readonly privateKeys: readonly string[];
  };
  readonly database: Database;
  /** The platform's relay, where the ledger goes unless ANCHORPOST_SPONSOR_LEDGER_RELAY_URL names another. */
  readonly relay?: PlatformRelay;
  /** The platform's proof API: a line sent to the platform's relay is anchored when its proof from there verifies. */
  readonly proofApiUrl?: string;
  /**
   * Ergo, when the platform anchors on it: the ledger's files name the node's blocks, and the
   * treasury keeps the anchorer's address (its float) funded through it.
   */
  readonly ergo?: { readonly nodeUrl: string; readonly network: string; readonly anchorerAddress: string };
  readonly logger: Logger;
}

async function readDeployment(path: string): Promise<SponsorDeployment | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as SponsorDeployment;
  } catch {
    return null;
  }
}

/** The sponsor's contracts on the local chain: those of the last start if the chain still has them. */
export async function ensureSponsorContracts(
  options: Pick<LocalSponsorOptions, 'dirs' | 'chain' | 'logger'>,
  deployer: Wallet,
): Promise<SponsorDeployment> {
  const { dirs, chain, logger } = options;
  const rpc = new JsonRpcPool({ urls: [chain.rpcUrl] });
  const known = await readDeployment(dirs.sponsorDeployment);
  if (known?.chainId === chain.chainId) {
    const code = await rpc.request<string>('eth_getCode', [known.forwarder, 'latest']);
    if (code !== '0x') return known;
    logger.warn(
      { forwarder: known.forwarder },
      'the sponsor contracts are gone from the local chain: deploying new ones',
    );
  }
  const deployed = await deploySponsorContracts(rpc, deployer);
  const deployment: SponsorDeployment = {
    chainId: chain.chainId,
    forwarder: deployed.forwarder,
    keyRegistry: deployed.keyRegistry,
    deployBlock: deployed.deployBlock,
  };
  await writeFile(dirs.sponsorDeployment, `${JSON.stringify(deployment, null, 2)}\n`);
  logger.info({ ...deployment }, 'sponsor contracts deployed');
  return deployment;
}

export async function startLocalSponsor(options: LocalSponsorOptions): Promise<RunningService> {
  const { env, dirs, chain, database, logger } = options;
  const sponsorKey = chain.privateKeys[1];
  if (sponsorKey === undefined) throw new Error('the local chain has no second development account');
  await ensureSponsorKey(dirs.sponsorKey, sponsorKey);
  if (await ensureSponsorPolicyFile(dirs.sponsorPolicy)) {
    logger.warn({ path: dirs.sponsorPolicy }, 'the sponsor serves no tenant yet: add their policies there');
  }
  const config = loadConfig(sponsorConfigSchema, {
    ANCHORPOST_SPONSOR_POLICY_FILE: dirs.sponsorPolicy,
    ANCHORPOST_SPONSOR_KEY_FILE: dirs.sponsorKey,
    ...env,
    // Checked here, replaced below by the forwarder deployed on the local chain (there is no other).
    ANCHORPOST_SPONSOR_FORWARDER: `0x${'0'.repeat(40)}`,
  });
  const sharedSigner = readSponsorKeyFile(config.keyFile, sponsorConfigSchema.keyFile.env);
  const treasury = treasuryKeysFromSettings(config, { ...ergoTreasuryDefaults(options.ergo), ...env });
  const deployment = await ensureSponsorContracts(options, sharedSigner);
  const policies = readSponsorPolicies(config.policyFile);
  return startSponsorService({
    config: { ...config, forwarder: deployment.forwarder },
    database,
    rpc: { rpcUrls: [chain.rpcUrl], chainId: chain.chainId },
    policies,
    sharedSigner,
    ...treasury,
    tenantSigners: new Map(
      [...policies.accountKeyFiles].map(([tenant, path]) => [
        tenant,
        readSponsorKeyFile(path, `${sponsorConfigSchema.policyFile.env} tenants.${tenant}.accountKeyFile`),
      ]),
    ),
    tenants: new PostgresTenantReads(database.prisma),
    ledger: await localLedger({
      env,
      dirs,
      relay: options.relay,
      ergoNodeUrl: options.ergo?.nodeUrl,
      forwarderDeployBlock: deployment.deployBlock,
      proofApiUrl: options.proofApiUrl,
    }),
    handleSignals: false,
  });
}

/** The treasury's Ergo settings the platform knows: its anchorer's address, its Ergo node and network. */
function ergoTreasuryDefaults(ergo: LocalSponsorOptions['ergo']): Record<string, string> {
  if (ergo === undefined) return {};
  return {
    ANCHORPOST_SPONSOR_TREASURY_ERGO_ACCOUNTS: ergo.anchorerAddress,
    ANCHORPOST_SPONSOR_TREASURY_ERGO_NODE_URL: ergo.nodeUrl,
    ANCHORPOST_SPONSOR_TREASURY_ERGO_NETWORK: ergo.network,
  };
}
