/**
 * Reads batch-file blocks and tx-files from the ContentStore with a time limit, backing off and
 * trying again on retryable failures (IPFS down or slow). A non-retryable failure, or the last
 * retryable one, is thrown as it came.
 */
import { AnchorpostError } from '@anchorpost/protocol';
import { StorageError, StorageErrorCode } from '@anchorpost/storage-port';
import type { ContentAddress, ContentStore } from '@anchorpost/storage-port';
import { BulkTxFiles, isRawLeaf } from './bulk-tx-files.ts';
import { notify } from './parser-observer.ts';
import type { ParserObserver } from './parser-observer.ts';
import { MAX_TX_FILE_BYTES } from './parser-options.ts';
import type { Sleep, StorageRetryOptions } from './parser-options.ts';

export interface ContentFetcherOptions {
  readonly store: ContentStore;
  readonly timeoutMs: number;
  readonly retry: Required<StorageRetryOptions>;
  readonly sleep: Sleep;
  readonly signal: AbortSignal;
  readonly observer: ParserObserver | undefined;
}

export class ContentFetcher {
  readonly #options: ContentFetcherOptions;

  constructor(options: ContentFetcherOptions) {
    this.#options = options;
  }

  block(cid: ContentAddress): Promise<Uint8Array> {
    return this.#retrying(`block ${cid.toString()}`, () =>
      this.#options.store.getBlock(cid, { timeoutMs: this.#options.timeoutMs }),
    );
  }

  /**
   * The batch's DAG as one stream (ADR 0036), for `txFile` to take tx-files from: `window` raw
   * blocks kept ahead at most, given up when a block takes longer than the read time limit or the
   * run is stopped. The caller closes it.
   */
  bulk(batchCid: ContentAddress, window: number): BulkTxFiles {
    const { store, timeoutMs, signal } = this.#options;
    return new BulkTxFiles((stop) => store.exportDag(batchCid, { signal: AbortSignal.any([signal, stop]) }), {
      window,
      stallMs: timeoutMs,
    });
  }

  /**
   * A tx-file of up to one chunk has a raw-leaf CID: its one block is the whole file, so it is read
   * as a block (checked against its hash by the store) rather than walked as UnixFS and hashed
   * again through the importer, which cost more than the read itself. Larger files are read as files.
   */
  txFile(cid: ContentAddress): Promise<Uint8Array> {
    const what = `tx-file ${cid.toString()}`;
    const { store, timeoutMs } = this.#options;
    if (!isRawLeaf(cid)) {
      return this.#retrying(what, () => store.getFile(cid, { timeoutMs, maxBytes: MAX_TX_FILE_BYTES }));
    }
    return this.#retrying(what, async () => {
      const bytes = await store.getBlock(cid, { timeoutMs });
      if (bytes.byteLength > MAX_TX_FILE_BYTES) {
        throw new StorageError(
          StorageErrorCode.TooLarge,
          `${what}: ${bytes.byteLength} bytes, more than the allowed ${MAX_TX_FILE_BYTES}`,
        );
      }
      return bytes;
    });
  }

  async #retrying<T>(what: string, read: () => Promise<T>): Promise<T> {
    const { retry, sleep, signal, observer } = this.#options;
    for (let attempt = 1; ; attempt++) {
      try {
        return await read();
      } catch (error) {
        const retryable = error instanceof AnchorpostError && error.retryable;
        if (!retryable || attempt >= retry.attempts || signal.aborted) throw error;
        const delayMs = Math.min(retry.maxDelayMs, retry.initialDelayMs * 2 ** (attempt - 1));
        notify(observer, 'retry', { what, attempt, delayMs, error });
        await sleep(delayMs, signal);
      }
    }
  }
}
