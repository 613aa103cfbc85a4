/**
 * @anchorpost/storage — the storage port (content-addressed files, blocks and pins) and its two
 * adapters: embedded Helia (offline, file-backed) and a Kubo daemon over RPC.
 */
export type {
  AddFileOptions,
  ContentAddress,
  ContentStore,
  GetFileOptions,
  OperationOptions,
  PinOptions,
  ReadFileOptions,
  StoreHealth,
} from './content-store.ts';
export { isStorageError, StorageError, StorageErrorCode } from './storage-error.ts';
export { MAX_BLOCK_SIZE } from './block-check.ts';
export { DEFAULT_TIMEOUT_MS } from './operation-signal.ts';
export { HeliaContentStore, openHeliaContentStore } from './helia/helia-content-store.ts';
export type { HeliaContentStoreOptions } from './helia/helia-content-store.ts';
export { connectKubo, KuboContentStore } from './kubo/kubo-content-store.ts';
export type { KuboContentStoreOptions } from './kubo/kubo-content-store.ts';
export {
  DEFAULT_KUBO_URL,
  DEFAULT_STORAGE_DIR,
  openContentStore,
  storageConfigFromEnv,
  storageConfigSchema,
} from './storage-config.ts';
export type { StorageConfig } from './storage-config.ts';
