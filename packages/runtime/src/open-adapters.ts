/**
 * Opens the adapters an AdapterConfig names, and closes them in reverse order. What a stand-alone
 * service process runs on; the one-process platform opens its own (services/platform).
 */
import { openBusFromEnv, type Bus } from '@anchorpost/bus';
import type { ErgoChainConfig, ErgoWallet, EvmChainConfig, TransactionSigner } from '@anchorpost/chains';
import { openDatabase, type Database } from '@anchorpost/db';
import type { Logger } from '@anchorpost/service-kit';
import type { ContentStore } from '@anchorpost/storage';
import type { AdapterConfig, AdapterName, ErgoNodeConfig, EvmRpcConfig } from './adapter-config.ts';
import { lockEmbeddedDatabase } from './embedded-database-lock.ts';
import { CloseStack } from './close-stack.ts';

export interface Adapters {
  readonly bus: Bus;
  readonly storage: ContentStore;
  readonly database: Database;
  readonly evm: EvmChainConfig;
  readonly evmRpc: EvmRpcConfig;
  readonly signer: TransactionSigner;
  /** Undefined when Ergo is not configured (ANCHORPOST_ERGO_NODE_URLS unset). */
  readonly ergo: ErgoChainConfig | undefined;
  readonly ergoNode: ErgoNodeConfig | undefined;
  /** The Ergo wallet from ANCHORPOST_ERGO_MNEMONIC_FILE, when Ergo is configured. */
  readonly ergoKey: ErgoWallet | undefined;
}

export type OpenAdapters<N extends AdapterName = AdapterName> = Pick<Adapters, N> & {
  /** Closes everything opened, last first. Idempotent. */
  close(): Promise<void>;
};

export async function openAdapters<N extends AdapterName>(
  config: AdapterConfig,
  logger: Logger,
): Promise<OpenAdapters<N>> {
  const stack = new CloseStack(logger);
  const close = (): Promise<void> => stack.close();
  const opened: Partial<Record<AdapterName, unknown>> = {};
  try {
    // First: a file-log bus directory owned by another process is refused before a database opens.
    if (config.bus) {
      const bus = await openBusFromEnv(config.bus.env);
      stack.push('bus', () => bus.close());
      opened.bus = bus;
      logger.info({ kind: config.bus.kind, at: config.bus.where }, 'bus open');
    }
    if (config.database) {
      if (config.database.mode === 'embedded') {
        const lock = await lockEmbeddedDatabase(config.database.dataDir);
        stack.push('database lock', () => lock.release());
      }
      const database = await openDatabase(config.database);
      stack.push('database', () => database.close());
      opened.database = database.database;
      logger.info({ mode: config.database.mode }, 'database open');
    }
    if (config.storage) {
      const { openContentStore } = await import('@anchorpost/storage');
      const storage = await openContentStore(config.storage);
      stack.push('storage', () => storage.close());
      opened.storage = storage;
      logger.info({ kind: config.storage.kind }, 'storage open');
    }
    if (config.evm) opened.evm = config.evm;
    if (config.evmRpc) opened.evmRpc = config.evmRpc;
    if (config.signer) {
      opened.signer = config.signer.wallet;
      if (config.signer.readableByOthers) {
        logger.warn({ path: config.signer.path }, 'the signer key file is readable by others; chmod 600 it');
      }
      logger.info({ address: config.signer.wallet.address }, 'signer loaded');
    }
    opened.ergo = config.ergo;
    opened.ergoNode = config.ergoNode;
    if (config.ergoKey) {
      opened.ergoKey = config.ergoKey.wallet;
      if (config.ergoKey.readableByOthers) {
        logger.warn(
          { path: config.ergoKey.path },
          'the Ergo mnemonic file is readable by others; chmod 600 it',
        );
      }
      logger.info(
        { address: config.ergoKey.wallet.address, path: config.ergoKey.wallet.derivationPath },
        'Ergo wallet loaded',
      );
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { ...(opened as Pick<Adapters, N>), close };
}
