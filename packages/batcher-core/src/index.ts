/**
 * @anchorpost/batcher-core — the batcher's domain logic, framework-free, over the Bus and
 * ContentStore ports: seal accepted tx-files into deterministic, hash-chained batch-files.
 */
export { Batcher } from './batcher.ts';
export { BATCHER_DEFAULTS, MAX_FILES_LIMIT, resolveBatcherOptions } from './batcher-options.ts';
export type { BatcherOptions, ResolvedBatcherOptions } from './batcher-options.ts';
export type { BatcherObserver } from './batcher-observer.ts';
export { systemClock } from './clock.ts';
export type { BatcherClock } from './clock.ts';
export { BatcherError, BatcherErrorCode } from './batcher-error.ts';
export { readLastBatchSealed } from './batch-chain-state.ts';
