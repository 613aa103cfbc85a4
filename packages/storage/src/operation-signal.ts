/**
 * One AbortSignal per store operation, combining the time limit and the caller's signal, so
 * every backend call is bounded and an abort can be reported as TIMEOUT (ours) or ABORTED (theirs).
 */
import { StorageError, StorageErrorCode } from '@anchorpost/storage-port';

export class OperationSignal {
  readonly signal: AbortSignal | undefined;
  /** The time limit, if any: also handed to backends that enforce their own (Kubo's `timeout`). */
  readonly timeoutMs: number | undefined;
  readonly #caller: AbortSignal | undefined;

  constructor(timeoutMs: number | undefined, caller: AbortSignal | undefined) {
    if (timeoutMs !== undefined && (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0)) {
      throw new RangeError(`timeoutMs must be a positive integer, got ${timeoutMs}`);
    }
    this.timeoutMs = timeoutMs;
    this.#caller = caller;
    const signals: AbortSignal[] = [];
    if (timeoutMs !== undefined) signals.push(AbortSignal.timeout(timeoutMs));
    if (caller !== undefined) signals.push(caller);
    this.signal =
      signals.length === 0 ? undefined : signals.length === 1 ? signals[0] : AbortSignal.any(signals);
  }

  /** Throws ABORTED/TIMEOUT if the operation is already cut short (call before starting work). */
  throwIfAborted(what: string): void {
    const error = this.abortError(what);
    if (error !== undefined) throw error;
  }

  /**
   * The error to throw for `error`: StorageErrors and ProtocolErrors as they are, TIMEOUT or
   * ABORTED if this operation was cut short, otherwise the adapter's classification.
   */
  toError(error: unknown, what: string, classify: (error: unknown, what: string) => Error): Error {
    if (error instanceof StorageError || (error instanceof Error && error.name === 'ProtocolError'))
      return error;
    return this.abortError(what, error) ?? classify(error, what);
  }

  /** If the operation was cut short, the StorageError saying why; otherwise undefined. */
  abortError(what: string, cause?: unknown): StorageError | undefined {
    if (this.signal?.aborted !== true) return undefined;
    if (this.#caller?.aborted === true) {
      return new StorageError(StorageErrorCode.Aborted, `${what}: aborted by the caller`, { cause });
    }
    return new StorageError(StorageErrorCode.Timeout, `${what}: no answer within ${this.timeoutMs} ms`, {
      cause,
    });
  }
}

/** Time limit of reads and small writes when the caller gives none: every get is bounded. */
export const DEFAULT_TIMEOUT_MS = 30_000;
