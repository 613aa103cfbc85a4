/**
 * Which ContentStore a service opens, from ANCHORPOST_* environment variables, declared as
 * schemas and read once at start-up with loadConfig: a bad value stops the process with
 * ConfigError (BAD_CONFIG) naming the variable. Only the chosen store's settings are read. This
 * module loads no store (`@anchorpost/storage/settings`): Helia takes seconds to load.
 *
 *   ANCHORPOST_STORAGE             helia (default) | kubo
 *   ANCHORPOST_STORAGE_DIR         helia: the store's folder (default .anchorpost/ipfs)
 *   ANCHORPOST_KUBO_URL            kubo: the daemon's RPC API (default http://127.0.0.1:5001)
 *   ANCHORPOST_STORAGE_TIMEOUT_MS  default time limit of reads and small writes (default 30000)
 */
import { loadConfig, type ConfigSchema } from '@anchorpost/config';
import { DEFAULT_TIMEOUT_MS } from './operation-signal.ts';

export type StorageConfig =
  { kind: 'helia'; dir: string; timeoutMs: number } | { kind: 'kubo'; url: string; timeoutMs: number };

export const DEFAULT_STORAGE_DIR = '.anchorpost/ipfs';
export const DEFAULT_KUBO_URL = 'http://127.0.0.1:5001';

const storeSchema = {
  kind: { kind: 'enum', env: 'ANCHORPOST_STORAGE', values: ['helia', 'kubo'], default: 'helia' },
  timeoutMs: { kind: 'int', env: 'ANCHORPOST_STORAGE_TIMEOUT_MS', default: DEFAULT_TIMEOUT_MS, min: 1 },
} as const satisfies ConfigSchema;
const heliaSchema = {
  dir: { kind: 'string', env: 'ANCHORPOST_STORAGE_DIR', default: DEFAULT_STORAGE_DIR },
} as const satisfies ConfigSchema;
const kuboSchema = {
  url: { kind: 'url', env: 'ANCHORPOST_KUBO_URL', default: DEFAULT_KUBO_URL },
} as const satisfies ConfigSchema;

/** Every storage setting (what docs and chart checks enumerate). */
export const storageConfigSchema = { ...storeSchema, ...heliaSchema, ...kuboSchema } as const;

export function storageConfigFromEnv(env: NodeJS.ProcessEnv = process.env): StorageConfig {
  const { kind, timeoutMs } = loadConfig(storeSchema, env);
  return kind === 'helia'
    ? { kind, dir: loadConfig(heliaSchema, env).dir, timeoutMs }
    : { kind, url: loadConfig(kuboSchema, env).url, timeoutMs };
}
