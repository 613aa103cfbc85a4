import type { BatchSealed } from '@anchorpost/events';

/** Hooks for metrics and logs (the service hangs prom-client on them). Every hook is optional. */
export interface BatcherObserver {
  /** A batch was sealed and announced (or found already announced after a crash). */
  onBatchSealed?(event: BatchSealed, details: { durationMs: number; announced: boolean }): void;
  /** Records of `tx-file.accepted` not yet covered by a sealed batch, after each check. */
  onBacklog?(records: number): void;
  /** A record was left out of a batch: undecodable, or its CID already sealed. */
  onRecordSkipped?(reason: 'undecodable' | 'duplicate', partition: number, offset: number): void;
  /** A run of the start() loop failed; the loop goes on at the next tick. */
  onError?(error: unknown): void;
}
