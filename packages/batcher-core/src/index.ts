/**
 * @anchorpost/batcher-core — the batcher's domain logic, framework-free, over the Bus and
 * ContentStore ports: seal accepted tx-files into deterministic, hash-chained batch-files, and
 * refuse (dead-letter) records whose bytes, receipt or storage fail the checks.
 */
export { Batcher } from './batcher.ts';
export {
  BATCHER_DEFAULTS,
  MAX_FILES_LIMIT,
  ROOT_PIN_MS_PER_FILE,
  resolveBatcherOptions,
} from './batcher-options.ts';
export type { BatcherOptions, ResolvedBatcherOptions } from './batcher-options.ts';
export type { BatcherObserver } from './batcher-observer.ts';
export { systemClock } from './clock.ts';
export type { BatcherClock } from './clock.ts';
export { BatcherError, BatcherErrorCode } from './batcher-error.ts';
export { readLastBatchSealed } from './batch-chain-state.ts';
export { RecordRefusalReason, RecordRefusedError } from './record-refusal.ts';
export type { RecordRefusal } from './record-refusal.ts';
export { RelayKeyRing } from './relay-key-ring.ts';
export type { RelayPublicKey } from './relay-key-ring.ts';
export { TX_FILE_ACCEPTED_DLQ_TOPIC } from './refused-record-letters.ts';
