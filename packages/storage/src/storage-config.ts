import type { ContentStore } from '@anchorpost/storage-port';
import { openHeliaContentStore } from './helia/helia-content-store.ts';
import { connectKubo } from './kubo/kubo-content-store.ts';
import type { StorageConfig } from './storage-settings.ts';

export {
  DEFAULT_KUBO_URL,
  DEFAULT_STORAGE_DIR,
  storageConfigFromEnv,
  storageConfigSchema,
  type StorageConfig,
} from './storage-settings.ts';

/** Opens the store the config names. */
export async function openContentStore(config: StorageConfig): Promise<ContentStore> {
  return config.kind === 'helia'
    ? openHeliaContentStore({ dir: config.dir, timeoutMs: config.timeoutMs })
    : connectKubo({ url: config.url, timeoutMs: config.timeoutMs });
}
