import type { Bus } from '@anchorpost/bus-port';
import type { ContentStore } from '@anchorpost/storage-port';
import { BatcherError, BatcherErrorCode } from './batcher-error.ts';
import type { BatcherObserver } from './batcher-observer.ts';
import { systemClock } from './clock.ts';
import type { BatcherClock } from './clock.ts';
import { RelayKeyRing } from './relay-key-ring.ts';
import type { RelayPublicKey } from './relay-key-ring.ts';

export const BATCHER_DEFAULTS = {
  intervalMs: 60_000,
  maxFiles: 10_000,
  tickMs: 1_000,
  pinTimeoutMs: 30_000,
  receiptCheckThreads: 1,
} as const;

/** The largest `maxFiles` accepted: a million-file batch seals in well under 512 MiB. */
export const MAX_FILES_LIMIT = 1_000_000;

/** What the batch root's recursive pin may take per tx-file on top of `pinTimeoutMs` (measured ~1 ms). */
export const ROOT_PIN_MS_PER_FILE = 10;

export interface BatcherOptions {
  bus: Bus;
  store: ContentStore;
  /** The platform id written into every batch-file and `batch.sealed` key. */
  platform: string;
  /** Seal at least this often when files are waiting (ms, default 60,000). */
  intervalMs?: number;
  /** Seal as soon as this many files are waiting (default 10,000, at most 1,000,000). */
  maxFiles?: number;
  /** How often the start() loop checks whether a seal is due (ms, default min(1,000, intervalMs)). */
  tickMs?: number;
  /**
   * The relays' receipt public keys (at least one): a record whose receipt none of them signed is
   * refused. Raw 32 bytes, 64 hex characters, SPKI PEM or a KeyObject.
   */
  relayKeys: readonly RelayPublicKey[];
  /**
   * Time limit of each storage call of a seal (ms, default 30,000): a tx-file's check, re-add or
   * pin, a batch block's put. The batch root's recursive pin, which walks every file, gets this
   * plus `ROOT_PIN_MS_PER_FILE` per file.
   */
  pinTimeoutMs?: number;
  /**
   * Worker threads checking the receipts' Ed25519 signatures (default 1, at most 64; 0 checks on
   * the seal's own thread). On two cores one thread beside the seal's event loop is enough.
   */
  receiptCheckThreads?: number;
  clock?: BatcherClock;
  observer?: BatcherObserver;
}

export interface ResolvedBatcherOptions {
  bus: Bus;
  store: ContentStore;
  platform: string;
  intervalMs: number;
  maxFiles: number;
  tickMs: number;
  relayKeys: RelayKeyRing;
  pinTimeoutMs: number;
  receiptCheckThreads: number;
  clock: BatcherClock;
  observer: BatcherObserver;
}

function bad(key: string, message: string): BatcherError {
  return new BatcherError(BatcherErrorCode.BadOptions, `${key} ${message}`, false);
}

function wholeNumber(key: string, value: number | undefined, fallback: number, max: number, min = 1): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min || value > max)
    throw bad(key, `must be a whole number from ${min} to ${max}, got ${String(value)}`);
  return value;
}

export function resolveBatcherOptions(options: BatcherOptions): ResolvedBatcherOptions {
  if (typeof options.platform !== 'string' || options.platform.length === 0 || options.platform.length > 256)
    throw bad('platform', 'must be 1 to 256 characters');
  const intervalMs = wholeNumber('intervalMs', options.intervalMs, BATCHER_DEFAULTS.intervalMs, 86_400_000);
  const maxFiles = wholeNumber('maxFiles', options.maxFiles, BATCHER_DEFAULTS.maxFiles, MAX_FILES_LIMIT);
  const tickMs = wholeNumber(
    'tickMs',
    options.tickMs,
    Math.min(BATCHER_DEFAULTS.tickMs, intervalMs),
    86_400_000,
  );
  const pinTimeoutMs = wholeNumber(
    'pinTimeoutMs',
    options.pinTimeoutMs,
    BATCHER_DEFAULTS.pinTimeoutMs,
    86_400_000,
  );
  return {
    bus: options.bus,
    store: options.store,
    platform: options.platform,
    intervalMs,
    maxFiles,
    tickMs,
    relayKeys: RelayKeyRing.of(options.relayKeys),
    pinTimeoutMs,
    receiptCheckThreads: wholeNumber(
      'receiptCheckThreads',
      options.receiptCheckThreads,
      BATCHER_DEFAULTS.receiptCheckThreads,
      64,
      0,
    ),
    clock: options.clock ?? systemClock,
    observer: options.observer ?? {},
  };
}
