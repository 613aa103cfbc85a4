/**
 * Reads batch-file blocks and tx-files from the ContentStore with a time limit, backing off and
 * trying again on retryable failures (IPFS down or slow). A non-retryable failure, or the last
 * retryable one, is thrown as it came.
 */
import { AnchorpostError } from '@anchorpost/protocol';
import type { ContentAddress, ContentStore } from '@anchorpost/storage-port';
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

  txFile(cid: ContentAddress): Promise<Uint8Array> {
    return this.#retrying(`tx-file ${cid.toString()}`, () =>
      this.#options.store.getFile(cid, { timeoutMs: this.#options.timeoutMs, maxBytes: MAX_TX_FILE_BYTES }),
    );
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
