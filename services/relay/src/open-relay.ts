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
import {
  ErgoNodeBlockView,
  importTenants,
  PostgresReceiptStore,
  Relay,
  TenantAccess,
  TenantAdministration,
  TenantRegistry,
  type TenantStore,
} from '@anchorpost/relay-core';
import { ConfigError, type Logger, type ServiceMetrics } from '@anchorpost/service-kit';
import type { ContentStore } from '@anchorpost/storage';
import { relayConfigSchema, type RelayConfig } from './relay-config.ts';
import { PostgresTenantStore } from './postgres-tenant-store.ts';
import { relayObserver } from './relay-metrics.ts';

export interface OpenRelayOptions {
  config: RelayConfig;
  bus: Bus;
  storage: ContentStore;
  database: Database;
  metrics: ServiceMetrics;
  logger: Logger;
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
  const store: TenantStore = new PostgresTenantStore(options.database.prisma);
  if (config.tenantsFile !== '') {
    const imported = await importTenants(store, await readTenantsFile(config.tenantsFile));
    if (imported.length > 0)
      options.logger.info({ tenants: imported }, 'tenants imported from the tenants file');
  }
  const access = new TenantAccess({ store, cacheTtlMs: config.tenantsCacheTtlMs });
  const adminKey = await readAdminKey(config.adminKeyFile);
  const relayKey = await readConfigFile('ANCHORPOST_RELAY_KEY_FILE', config.keyFile);
  try {
    const relay = await Relay.open({
      bus: options.bus,
      storage: options.storage,
      receipts: new PostgresReceiptStore(options.database.receipts),
      tenants: access,
      relayKey,
      partitions: config.partitions,
      maxTxFileBytes: config.maxTxFileBytes,
      ...(ergoView === undefined
        ? {}
        : { ergo: { view: ergoView, trustedblockMaxAge: config.trustedblockMaxAge } }),
      observer: relayObserver(options.metrics, options.logger),
    });
    return { relay, access, administration: new TenantAdministration(store), adminKey };
  } catch (error) {
    if ((error as { code?: unknown }).code === 'BAD_CONFIG' && /key/i.test((error as Error).message)) {
      throw new ConfigError('ANCHORPOST_RELAY_KEY_FILE', 'is not an Ed25519 private key (PKCS#8 PEM)');
    }
    throw error;
  }
}
