/**
 * Every storage call of a seal has a time limit the batcher enforces itself: the limit is handed to
 * the store (Kubo stops the work server-side) and the call is also cut off here, so a store that
 * ignores it — hung on a block it cannot find — still frees the seal. Real timers, not the
 * BatcherClock: the clock decides when to seal, this bounds how long one call may take.
 */
import { StorageError, StorageErrorCode } from '@anchorpost/storage-port';
import type { OperationOptions } from '@anchorpost/storage-port';

export async function withDeadline<T>(
  what: string,
  timeoutMs: number,
  call: (options: Required<Pick<OperationOptions, 'timeoutMs' | 'signal'>>) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new StorageError(StorageErrorCode.Timeout, `${what}: no answer within ${timeoutMs} ms`);
      reject(error);
      controller.abort(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([call({ timeoutMs, signal: controller.signal }), expired]);
  } finally {
    clearTimeout(timer);
  }
}
