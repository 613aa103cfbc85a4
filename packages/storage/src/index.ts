/**
 * @anchorpost/storage — the two storage adapters: embedded Helia (offline, file-backed) and a Kubo
 * daemon over RPC. The port they implement (content-addressed files, blocks and pins) is
 * @anchorpost/storage-port, re-exported here so a service needs one import.
 */
export * from '@anchorpost/storage-port';
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
