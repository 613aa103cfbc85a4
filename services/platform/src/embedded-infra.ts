/**
 * The embedded adapters under one data folder: PGlite (served over its socket, migrated), the
 * file-log bus, Helia with a file blockstore, and the local anvil chain with the anchor contract.
 * What `startPlatform` runs the services on, and what `rebuild` needs without any service.
 */
import { mkdir } from 'node:fs/promises';
import { openFileLogBus, type FileLogBus } from '@anchorpost/bus';
import { evmChainConfigFromEnv, type EvmChainConfig } from '@anchorpost/chains';
import { openDatabase, type Database } from '@anchorpost/db';
import { CloseStack, lockEmbeddedDatabase } from '@anchorpost/runtime';
import type { Logger } from '@anchorpost/service-kit';
import { openHeliaContentStore, type HeliaContentStore } from '@anchorpost/storage';
import type { DataDir } from './data-dir.ts';
import { startLocalChain, type LocalChain } from './local-chain.ts';
import type { PlatformConfig } from './platform-config.ts';

export interface EmbeddedInfra {
  readonly database: Database;
  readonly bus: FileLogBus;
  readonly storage: HeliaContentStore;
  readonly chain: LocalChain;
  /** The anchorer's and parser's view of the local chain. */
  readonly evm: EvmChainConfig;
  /** Stops everything opened, last first. Idempotent. */
  close(): Promise<void>;
}

export async function openEmbeddedInfra(options: {
  config: PlatformConfig;
  dirs: DataDir;
  env: NodeJS.ProcessEnv;
  logger: Logger;
}): Promise<EmbeddedInfra> {
  const { config, dirs, env, logger } = options;
  const stack = new CloseStack(logger);
  const close = (): Promise<void> => stack.close();
  // The same one-owner lock as a stand-alone service's, before anything is created or opened:
  // never two processes on one PGlite.
  const lock = await lockEmbeddedDatabase(dirs.postgres);
  stack.push('database lock', () => lock.release());
  try {
    await mkdir(dirs.evm, { recursive: true, mode: 0o700 });
    const opened = await openDatabase({ mode: 'embedded', dataDir: dirs.postgres, port: 0 });
    stack.push('database', () => opened.close());
    const bus = await openFileLogBus({ dir: dirs.bus, maxRecordBytes: config.busMaxRecordBytes });
    stack.push('bus', () => bus.close());
    const storage = await openHeliaContentStore({ dir: dirs.storage });
    stack.push('storage', () => storage.close());
    const chain = await startLocalChain({
      dirs,
      port: config.anvilPort,
      chainId: config.evmChainId,
      blockTime: config.anvilBlockTime,
      logger,
    });
    stack.push('chain', () => chain.stop());
    // The local chain's facts win over the environment: in embedded mode there is no other chain.
    const evm = evmChainConfigFromEnv({
      ANCHORPOST_EVM_CONFIRMATIONS: String(config.evmConfirmations),
      ANCHORPOST_EVM_FINALITY_DEPTH: String(Math.max(config.evmConfirmations * 2, 6)),
      ...env,
      ANCHORPOST_EVM_RPC_URLS: chain.rpcUrl,
      ANCHORPOST_EVM_CHAIN_ID: String(chain.chainId),
      ANCHORPOST_EVM_ANCHOR_CONTRACT: chain.contractAddress,
      ANCHORPOST_EVM_DEPLOY_BLOCK: String(chain.deployBlock),
    });
    return { database: opened.database, bus, storage, chain, evm, close };
  } catch (error) {
    await close();
    throw error;
  }
}
