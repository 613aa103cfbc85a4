/**
 * Which ContentStore a service opens, from ANCHORPOST_* environment variables, validated once at
 * start-up: a bad value stops the process with BAD_CONFIG naming the variable.
 *
 *   ANCHORPOST_STORAGE             helia (default) | kubo
 *   ANCHORPOST_STORAGE_DIR         helia: the store's folder (default .anchorpost/ipfs)
 *   ANCHORPOST_KUBO_URL            kubo: the daemon's RPC API (default http://127.0.0.1:5001)
 *   ANCHORPOST_STORAGE_TIMEOUT_MS  default time limit of reads and small writes (default 30000)
 */
import type { ContentStore } from './content-store.ts';
import { openHeliaContentStore } from './helia/helia-content-store.ts';
import { connectKubo } from './kubo/kubo-content-store.ts';
import { DEFAULT_TIMEOUT_MS } from './operation-signal.ts';
import { StorageError, StorageErrorCode } from './storage-error.ts';

export type StorageConfig =
  { kind: 'helia'; dir: string; timeoutMs: number } | { kind: 'kubo'; url: string; timeoutMs: number };

export const DEFAULT_STORAGE_DIR = '.anchorpost/ipfs';
export const DEFAULT_KUBO_URL = 'http://127.0.0.1:5001';

function badConfig(key: string, message: string): StorageError {
  return new StorageError(StorageErrorCode.BadConfig, `${key}: ${message}`);
}

function text(env: NodeJS.ProcessEnv, key: string): string | undefined {
  const value = env[key]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

export function storageConfigFromEnv(env: NodeJS.ProcessEnv = process.env): StorageConfig {
  const timeoutText = text(env, 'ANCHORPOST_STORAGE_TIMEOUT_MS');
  const timeoutMs = timeoutText === undefined ? DEFAULT_TIMEOUT_MS : Number(timeoutText);
  if (!/^\d+$/.test(timeoutText ?? '1') || !Number.isSafeInteger(timeoutMs) || timeoutMs <= 0) {
    throw badConfig(
      'ANCHORPOST_STORAGE_TIMEOUT_MS',
      `expected a positive whole number of milliseconds, got "${timeoutText}"`,
    );
  }
  const kind = text(env, 'ANCHORPOST_STORAGE') ?? 'helia';
  if (kind === 'helia') {
    return { kind, dir: text(env, 'ANCHORPOST_STORAGE_DIR') ?? DEFAULT_STORAGE_DIR, timeoutMs };
  }
  if (kind === 'kubo') {
    const url = text(env, 'ANCHORPOST_KUBO_URL') ?? DEFAULT_KUBO_URL;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw badConfig('ANCHORPOST_KUBO_URL', `not a URL: "${url}"`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw badConfig('ANCHORPOST_KUBO_URL', `expected http:// or https://, got "${url}"`);
    }
    return { kind, url, timeoutMs };
  }
  throw badConfig('ANCHORPOST_STORAGE', `expected "helia" or "kubo", got "${kind}"`);
}

/** Opens the store the config names. */
export async function openContentStore(config: StorageConfig): Promise<ContentStore> {
  return config.kind === 'helia'
    ? openHeliaContentStore({ dir: config.dir, timeoutMs: config.timeoutMs })
    : connectKubo({ url: config.url, timeoutMs: config.timeoutMs });
}
