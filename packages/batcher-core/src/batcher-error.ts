import { AnchorpostError, errorKinds } from '@anchorpost/protocol';

export const BatcherErrorCode = {
  /** An option is missing or out of range (the message names the key). */
  BadOptions: 'BAD_OPTIONS',
  /**
   * The last `batch.sealed` record disagrees with what this batcher is about to announce (another
   * batcher sealed the same sequence with another CID). Retryable: the next run reloads the state.
   */
  SequenceConflict: 'SEQUENCE_CONFLICT',
  /** The batch chain read back from the bus or storage is inconsistent (never fixed by retrying). */
  BadState: 'BAD_STATE',
  /**
   * Storage did not answer (a tx-file, a batch block or the root pin timed out, and the store's
   * probe failed too). Retryable: nothing was refused or announced; the next run seals the same cut.
   */
  StorageUnavailable: 'STORAGE_UNAVAILABLE',
} as const;

export type BatcherErrorCode = (typeof BatcherErrorCode)[keyof typeof BatcherErrorCode];

const KINDS = errorKinds<BatcherErrorCode>(BatcherErrorCode, {
  BAD_OPTIONS: 'internal',
  SEQUENCE_CONFLICT: 'conflict',
  BAD_STATE: 'internal',
  STORAGE_UNAVAILABLE: 'unavailable',
});

export class BatcherError extends AnchorpostError<BatcherErrorCode> {
  override readonly name = 'BatcherError';

  constructor(code: BatcherErrorCode, message: string, retryable: boolean, options?: { cause?: unknown }) {
    super(code, KINDS[code], message, retryable, options);
  }
}
