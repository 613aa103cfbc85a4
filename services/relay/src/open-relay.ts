/**
 * Builds a Relay from the relay service's config and the platform's open adapters: the tenant
 * registry and the receipt key come from files (never from the environment's values themselves,
 * so they cannot leak through `env` dumps), receipts are kept in PostgreSQL, and with
 * ANCHORPOST_RELAY_ERGO_NODE_URL the blocks each tx-file names are checked on that node's chain.
 */
import { readFile } from 'node:fs/promises';
import type { Bus } from '@anchorpost/bus';
import type { Database } from '@anchorpost/db';
import { ErgoNodeBlockView, PostgresReceiptStore, Relay, TenantRegistry } from '@anchorpost/relay-core';
import { ConfigError, type Logger, type ServiceMetrics } from '@anchorpost/service-kit';
import type { ContentStore } from '@anchorpost/storage';
import type { RelayConfig } from './relay-config.ts';
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

export async function openRelay(options: OpenRelayOptions): Promise<Relay> {
  const { config } = options;
  const tenantsText = await readConfigFile('ANCHORPOST_RELAY_TENANTS_FILE', config.tenantsFile);
  let tenantsJson: unknown;
  try {
    tenantsJson = JSON.parse(tenantsText);
  } catch {
    throw new ConfigError('ANCHORPOST_RELAY_TENANTS_FILE', `${config.tenantsFile} is not JSON`);
  }
  let tenants: TenantRegistry;
  try {
    tenants = TenantRegistry.fromObject(tenantsJson);
  } catch (error) {
    throw new ConfigError('ANCHORPOST_RELAY_TENANTS_FILE', (error as Error).message);
  }
  const relayKey = await readConfigFile('ANCHORPOST_RELAY_KEY_FILE', config.keyFile);
  try {
    return await Relay.open({
      bus: options.bus,
      storage: options.storage,
      receipts: new PostgresReceiptStore(options.database.receipts),
      tenants,
      relayKey,
      partitions: config.partitions,
      maxTxFileBytes: config.maxTxFileBytes,
      ...(config.ergoNodeUrl === ''
        ? {}
        : {
            ergo: {
              view: new ErgoNodeBlockView({ url: config.ergoNodeUrl }),
              trustedblockMaxAge: config.trustedblockMaxAge,
            },
          }),
      observer: relayObserver(options.metrics, options.logger),
    });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'BAD_CONFIG' && /key/i.test((error as Error).message)) {
      throw new ConfigError('ANCHORPOST_RELAY_KEY_FILE', 'is not an Ed25519 private key (PKCS#8 PEM)');
    }
    throw error;
  }
}
