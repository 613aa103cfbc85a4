/**
 * Builds a Relay from the relay service's config and the platform's open adapters: tenants, their
 * client keys and API keys live in PostgreSQL (the tenants file is imported on a first start
 * only), the receipt key and the admin key come from files (never from the environment's values
 * themselves, so they cannot leak through `env` dumps), receipts are kept in PostgreSQL, and with
 * ANCHORPOST_RELAY_ERGO_NODE_URL the blocks each tx-file names are checked on that node's chain
 * (a node on another network than ANCHORPOST_RELAY_ERGO_NETWORK is refused at start).
 */
import { readFile } from 'node:fs/promises';
import type { Bus } from '@anchorpost/bus';
import type { Database } from '@anchorpost/db';
import { hostname } from 'node:os';
import {
  ErgoNodeBlockView,
  InboundDelivery,
  importTenants,
  KeyFiles,
  PostgresReceiptStore,
  Relay,
  StreamSlots,
  TenantAccess,
  TenantAdministration,
  TenantQuotas,
  TenantRegistry,
  UsageMeter,
  type ClientKeyRegistry,
  type PlanTable,
  type TenantStore,
  type UsageStore,
} from '@anchorpost/relay-core';
import { JsonRpcPool } from '@anchorpost/chains';
import { ConfigError, type Logger, type ServiceMetrics } from '@anchorpost/service-kit';
import { KeyRegistryReader } from '@anchorpost/sponsor-contracts';
import type { ContentStore } from '@anchorpost/storage';
import { PeerAdministration } from './admin/peer-administration.ts';
import { PostgresQuotaStore } from './postgres-quota-store.ts';
import { relayConfigSchema, type RelayConfig } from './relay-config.ts';
import { PostgresTenantStore } from './postgres-tenant-store.ts';
import { PostgresUsageStore } from './postgres-usage-store.ts';
import { inboundObserver, relayObserver, tenantUsageCounter } from './relay-metrics.ts';

export interface OpenRelayOptions {
  config: RelayConfig;
  bus: Bus;
  storage: ContentStore;
  database: Database;
  /** The parser's index, when apart from `database` (ANCHORPOST_RELAY_INDEX_DATABASE_URL). */
  index?: Database;
  metrics: ServiceMetrics;
  logger: Logger;
  /** Where tenants live; default PostgreSQL in `database`. Tests pass the MemoryTenantStore test double. */
  tenantStore?: TenantStore | undefined;
  /**
   * The chain's JSON-RPC (ANCHORPOST_EVM_RPC_*): required with ANCHORPOST_RELAY_KEY_REGISTRY, where
   * the relay reads the key registry, and not read without it.
   */
  evmRpc?: { readonly rpcUrls: readonly string[]; readonly rpcTimeoutMs?: number } | undefined;
}

/** The key registry client keys must be current in, when ANCHORPOST_RELAY_KEY_REGISTRY is set. */
function openKeyRegistry(options: OpenRelayOptions): ClientKeyRegistry | undefined {
  const { config, evmRpc } = options;
  if (config.keyRegistry === '') return undefined;
  if (evmRpc === undefined) {
    throw new ConfigError(relayConfigSchema.keyRegistry.env, 'needs the chain: set ANCHORPOST_EVM_RPC_URLS');
  }
  return new KeyRegistryReader({
    rpc: new JsonRpcPool({ urls: evmRpc.rpcUrls, timeoutMs: evmRpc.rpcTimeoutMs }),
    registry: config.keyRegistry,
    deployBlock: config.keyRegistryDeployBlock,
  });
}

async function readConfigFile(key: string, path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(key, `cannot read ${path}: ${(cause as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

/** A relay with who may call it: the transports authenticate with `access`, the admin API changes tenants with `administration`. */
export interface OpenedRelay {
  relay: Relay;
  access: TenantAccess;
  administration: TenantAdministration;
  /** The operator's admin key; null without ANCHORPOST_RELAY_ADMIN_KEY_FILE (no admin API then). */
  adminKey: string | null;
  /** Subscription stream slots per tenant (held across replicas); the transports open one per stream. */
  streams: StreamSlots;
  /** Usage counted in memory and flushed in batches; `close` it when the service stops. */
  meter: UsageMeter;
  /** Daily usage and the usage report, for `GET /v1/usage` and the admin API. */
  usage: UsageStore;
  /** The platforms followed through the chain, in the index database (the parser reads them there). */
  peers: PeerAdministration;
  /** Delivers the peers' files the parser indexed (ADR 0031); the service runs it in a loop. */
  inbound: InboundDelivery;
  /** Public key files on the relay's storage, for key transparency (`/v1/key-files`). */
  keyFiles: KeyFiles;
}

/** The plans' limits from the settings; no plan accepts a file larger than the relay does. */
export function planTable(config: RelayConfig): PlanTable {
  const cap = (bytes: number) => Math.min(bytes, config.maxTxFileBytes);
  return {
    free: {
      filesPerSecond: config.freeFilesPerSecond,
      bytesPerDay: config.freeBytesPerDay,
      maxStreams: config.freeMaxStreams,
      maxFileBytes: cap(config.freeMaxFileBytes),
    },
    pro: {
      filesPerSecond: config.proFilesPerSecond,
      bytesPerDay: config.proBytesPerDay,
      maxStreams: config.proMaxStreams,
      maxFileBytes: cap(config.proMaxFileBytes),
    },
  };
}

async function readTenantsFile(path: string): Promise<TenantRegistry> {
  const tenantsText = await readConfigFile('ANCHORPOST_RELAY_TENANTS_FILE', path);
  let tenantsJson: unknown;
  try {
    tenantsJson = JSON.parse(tenantsText);
  } catch {
    throw new ConfigError('ANCHORPOST_RELAY_TENANTS_FILE', `${path} is not JSON`);
  }
  try {
    return TenantRegistry.fromObject(tenantsJson);
  } catch (error) {
    throw new ConfigError('ANCHORPOST_RELAY_TENANTS_FILE', (error as Error).message);
  }
}

async function readAdminKey(path: string): Promise<string | null> {
  if (path === '') return null;
  const key = (await readConfigFile('ANCHORPOST_RELAY_ADMIN_KEY_FILE', path)).trim();
  if (!/^[!-~]{32,256}$/.test(key)) {
    throw new ConfigError(
      'ANCHORPOST_RELAY_ADMIN_KEY_FILE',
      'must hold one line of 32 to 256 printable characters',
    );
  }
  return key;
}

/**
 * The relay's Ergo node, refused when it reports another network than the setting: once, here at
 * start, so that no tx-file is ever checked against another chain's blocks. A node that cannot
 * answer now fails the start (ERGO_NODE_UNAVAILABLE, retryable: a supervisor starts it again).
 */
async function openErgoBlockView(config: RelayConfig): Promise<ErgoNodeBlockView> {
  const view = new ErgoNodeBlockView({ url: config.ergoNodeUrl });
  const served = await view.network();
  if (served !== undefined && served !== config.ergoNetwork) {
    throw new ConfigError(
      relayConfigSchema.ergoNetwork.env,
      `the Ergo node is on ${served}, configured ${config.ergoNetwork}`,
    );
  }
  return view;
}

export async function openRelay(options: OpenRelayOptions): Promise<OpenedRelay> {
  const { config } = options;
  const ergoView = config.ergoNodeUrl === '' ? undefined : await openErgoBlockView(config);
  const keyRegistry = openKeyRegistry(options);
  const store: TenantStore = options.tenantStore ?? new PostgresTenantStore(options.database.prisma);
  if (config.tenantsFile !== '') {
    const imported = await importTenants(store, await readTenantsFile(config.tenantsFile));
    if (imported.length > 0)
      options.logger.info({ tenants: imported }, 'tenants imported from the tenants file');
  }
  const access = new TenantAccess({ store, cacheTtlMs: config.tenantsCacheTtlMs });
  const adminKey = await readAdminKey(config.adminKeyFile);
  const relayKey = await readConfigFile('ANCHORPOST_RELAY_KEY_FILE', config.keyFile);
  const quotaStore = new PostgresQuotaStore(options.database.prisma);
  const usage = new PostgresUsageStore(options.database.prisma, (options.index ?? options.database).prisma);
  const quotas = new TenantQuotas({
    store: quotaStore,
    plans: planTable(config),
    planOf: (tenantId) => store.plan(tenantId),
    cacheTtlMs: config.tenantsCacheTtlMs,
  });
  const countUsage = tenantUsageCounter(options.metrics, config.metricsTenants);
  const meter = new UsageMeter({
    store: usage,
    flushMs: config.usageFlushMs,
    onCount: countUsage,
    onFlushError: (error) => {
      options.logger.warn({ err: error }, 'usage not written yet; kept for the next flush');
    },
  });
  const streams = new StreamSlots({
    store: quotaStore,
    maxStreams: async (tenantId) => (await quotas.limits(tenantId)).maxStreams,
    replica: `${hostname()}:${process.pid}`,
    ttlMs: config.streamLeaseTtlMs,
    onRenewError: (error) => {
      options.logger.warn({ err: error }, 'stream leases not renewed; retried on the next beat');
    },
  });
  try {
    const relay = await Relay.open({
      bus: options.bus,
      storage: options.storage,
      receipts: new PostgresReceiptStore(options.database.receipts),
      tenants: access,
      relayKey,
      partitions: config.partitions,
      maxTxFileBytes: config.maxTxFileBytes,
      groupCommitWindowMs: config.groupCommitWindowMs,
      groupCommitMaxFiles: config.groupCommitMaxFiles,
      groupCommitMaxBytes: config.groupCommitMaxBytes,
      ingestQueueMaxFiles: config.ingestQueueMaxFiles,
      ingestQueueMaxBytes: config.ingestQueueMaxBytes,
      checkThreads: config.checkThreads,
      ...(ergoView === undefined
        ? {}
        : { ergo: { view: ergoView, trustedblockMaxAge: config.trustedblockMaxAge } }),
      ...(keyRegistry === undefined
        ? {}
        : { registeredKeys: { registry: keyRegistry, cacheMs: config.keyRegistryCacheMs } }),
      quotas,
      observer: relayObserver(options.metrics, options.logger, meter),
    });
    return {
      relay,
      access,
      administration: new TenantAdministration(store),
      adminKey,
      peers: new PeerAdministration((options.index ?? options.database).peers, config.platform),
      inbound: new InboundDelivery({
        peers: (options.index ?? options.database).peers,
        index: (options.index ?? options.database).index,
        storage: options.storage,
        tenants: store,
        relay,
        maxTxFileBytes: config.maxTxFileBytes,
        observer: inboundObserver(options.metrics, options.logger),
      }),
      streams,
      meter,
      usage,
      keyFiles: new KeyFiles(options.storage, quotas),
    };
  } catch (error) {
    streams.close();
    await meter.close();
    if ((error as { code?: unknown }).code === 'BAD_CONFIG' && /key/i.test((error as Error).message)) {
      throw new ConfigError('ANCHORPOST_RELAY_KEY_FILE', 'is not an Ed25519 private key (PKCS#8 PEM)');
    }
    throw error;
  }
}
