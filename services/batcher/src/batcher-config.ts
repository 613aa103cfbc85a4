/** The batcher service's settings, from the environment, checked at start-up. */
import { managementConfigSchema, type ConfigOf } from '@anchorpost/service-kit';

/** Comma-separated raw Ed25519 public keys, 64 lower-case hex characters each. */
export const RELAY_PUBLIC_KEYS = /^[0-9a-f]{64}(,[0-9a-f]{64})*$/;

export const batcherConfigSchema = {
  host: { kind: 'string', env: 'ANCHORPOST_BATCHER_HOST', default: '127.0.0.1' },
  port: { kind: 'int', env: 'ANCHORPOST_BATCHER_PORT', default: 7430, min: 0, max: 65_535 },
  ...managementConfigSchema('BATCHER', 7431),
  /** The platform id written into every batch-file (and the key of `batch.sealed`). */
  platform: {
    kind: 'string',
    env: 'ANCHORPOST_PLATFORM_ID',
    default: 'anchorpost-local',
    pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/,
  },
  /** Seal at least this often while files are waiting. */
  intervalMs: { kind: 'duration', env: 'ANCHORPOST_BATCH_INTERVAL', default: 60_000 },
  /** Seal as soon as this many files are waiting. */
  maxFiles: { kind: 'int', env: 'ANCHORPOST_BATCH_MAX_FILES', default: 10_000, min: 1, max: 1_000_000 },
  /**
   * The relays' receipt public keys (raw Ed25519, hex, comma-separated): a record whose receipt
   * none of them signed is refused. Required — no default key is trusted.
   */
  relayPublicKeys: {
    kind: 'string',
    env: 'ANCHORPOST_BATCHER_RELAY_PUBLIC_KEYS',
    pattern: RELAY_PUBLIC_KEYS,
  },
  /** Time limit of each storage call of a seal (a group's tx-files stored; a tx-file's check, re-add or pin; a block put). */
  pinTimeoutMs: { kind: 'duration', env: 'ANCHORPOST_BATCHER_PIN_TIMEOUT', default: 30_000 },
  /**
   * Worker threads checking the receipts' Ed25519 signatures during a seal (0: on the seal's own
   * thread). One beside the seal's event loop suits two cores.
   */
  receiptCheckThreads: {
    kind: 'int',
    env: 'ANCHORPOST_BATCHER_RECEIPT_CHECK_THREADS',
    default: 1,
    min: 0,
    max: 64,
  },
} as const;

export type BatcherConfig = ConfigOf<typeof batcherConfigSchema>;

/** The keys of `relayPublicKeys` (hex), without repeats. */
export function relayPublicKeyList(config: Pick<BatcherConfig, 'relayPublicKeys'>): string[] {
  return [...new Set(config.relayPublicKeys.split(','))];
}
