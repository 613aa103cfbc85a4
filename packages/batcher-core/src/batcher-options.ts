import type { Bus } from '@anchorpost/bus';
import type { ContentStore } from '@anchorpost/storage';
import { BatcherError, BatcherErrorCode } from './batcher-error.ts';
import type { BatcherObserver } from './batcher-observer.ts';
import { systemClock } from './clock.ts';
import type { BatcherClock } from './clock.ts';

export const BATCHER_DEFAULTS = {
  intervalMs: 60_000,
  maxFiles: 10_000,
  tickMs: 1_000,
} as const;

/** The largest `maxFiles` accepted: a million-file batch seals in well under 512 MiB. */
export const MAX_FILES_LIMIT = 1_000_000;

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
  clock: BatcherClock;
  observer: BatcherObserver;
}

function bad(key: string, message: string): BatcherError {
  return new BatcherError(BatcherErrorCode.BadOptions, `${key} ${message}`, false);
}

function wholeNumber(key: string, value: number | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1 || value > max)
    throw bad(key, `must be a whole number from 1 to ${max}, got ${String(value)}`);
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
  return {
    bus: options.bus,
    store: options.store,
    platform: options.platform,
    intervalMs,
    maxFiles,
    tickMs,
    clock: options.clock ?? systemClock,
    observer: options.observer ?? {},
  };
}
