import type { BatchSealed } from '@anchorpost/events';
import type { RecordRefusal } from './record-refusal.ts';

/** Hooks for metrics and logs (the service hangs prom-client on them). Every hook is optional. */
export interface BatcherObserver {
  /** A batch was sealed and announced (or found already announced after a crash). */
  onBatchSealed?(event: BatchSealed, details: { durationMs: number; announced: boolean }): void;
  /** Records of `tx-file.accepted` not yet covered by a sealed batch, after each check. */
  onBacklog?(records: number): void;
  /**
   * A record was left out of a batch, not a fault: `duplicate`, its CID is already sealed;
   * `inbound`, a peer platform's file (ADR 0031), already in the peer's anchored batch.
   */
  onRecordSkipped?(reason: 'duplicate' | 'inbound', partition: number, offset: number): void;
  /**
   * A record was refused and dead-lettered (once per announced batch that covers it): never its
   * bytes, only where it is, why, and what it claimed.
   */
  onRecordRefused?(refusal: RecordRefusal, deadLetterTopic: string): void;
  /** A tx-file's block was missing from storage and was stored again from its bus record. */
  onTxFileRestored?(cid: string): void;
  /** A run of the start() loop failed; the loop goes on at the next tick. */
  onError?(error: unknown): void;
}
