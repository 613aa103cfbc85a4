/**
 * A batch's tx-files read in bulk (ADR 0036): one `exportDag` stream of the batch-file's DAG —
 * root, page, its tx-files in entry order, next page, … — from which the indexer takes each
 * entry's block as its turn comes, instead of one store request per tx-file.
 *
 * Only ever a shortcut. Whatever the stream cannot give — a tx-file that is not a raw leaf (read
 * as a file), a block it sent earlier (a repeated entry), one it does not send in time, or every
 * block after the stream failed (a missing or damaged block, the store unreachable) — `take`
 * answers undefined and the indexer reads that tx-file on its own as before, with the same
 * checks, retries and refusals. So the bulk path changes how fast a batch is read, never what
 * is indexed or refused.
 *
 * Bounded: blocks are pulled only when an entry asks for one, and at most `window` raw blocks
 * the indexer did not ask for yet are kept (the oldest dropped first).
 */
import { CidCodec, cidToBytes } from '@anchorpost/protocol';
import type { DagBlock } from '@anchorpost/storage-port';
import { MAX_TX_FILE_BYTES } from './parser-options.ts';

export interface BulkTxFilesOptions {
  /** Raw blocks kept ahead of the entries asking for them, and read past a missing one. */
  readonly window: number;
  /** The stream is given up when its next block takes longer than this. */
  readonly stallMs: number;
}

export class BulkTxFiles {
  readonly #options: BulkTxFilesOptions;
  readonly #controller = new AbortController();
  readonly #blocks: AsyncIterator<DagBlock>;
  /** Raw blocks read from the stream and not taken yet, oldest first. */
  readonly #ahead = new Map<string, Uint8Array>();
  #queue: Promise<unknown> = Promise.resolve();
  #ended = false;
  /** Why the stream ended early, if it did (for the indexer's report). */
  #failure: unknown;

  /** `open` starts the export with the signal this reader aborts when it gives the stream up. */
  constructor(open: (signal: AbortSignal) => AsyncIterable<DagBlock>, options: BulkTxFilesOptions) {
    this.#options = options;
    this.#blocks = open(this.#controller.signal)[Symbol.asyncIterator]();
  }

  /** Why the stream ended before the last block, if it did. */
  get failure(): unknown {
    return this.#failure;
  }

  /**
   * The block of tx-file `cid`, or undefined if the stream cannot give it (read it on its own):
   * not a raw leaf, larger than a tx-file may be, not sent in time. Calls are served one at a time
   * in call order: ask in entry order.
   */
  take(cid: string): Promise<Uint8Array | undefined> {
    if (!isRawLeaf(cid)) return Promise.resolve(undefined);
    const result = this.#queue.then(async () => {
      const bytes = await this.#take(cid);
      return bytes !== undefined && bytes.byteLength <= MAX_TX_FILE_BYTES ? bytes : undefined;
    });
    this.#queue = result.catch(() => undefined);
    return result;
  }

  /** Stops the stream (ends the request) and drops the blocks kept. */
  close(): void {
    this.#ahead.clear();
    this.#stop();
  }

  /** Ends the stream; the blocks kept stay takeable. */
  #stop(): void {
    if (this.#ended) return;
    this.#ended = true;
    // The abort ends the store's request; a stalled read may never settle, so return() is not awaited.
    this.#controller.abort();
    void this.#blocks.return?.().catch(() => undefined);
  }

  async #take(cid: string): Promise<Uint8Array | undefined> {
    const kept = this.#ahead.get(cid);
    if (kept !== undefined) {
      this.#ahead.delete(cid);
      return kept;
    }
    // Read past at most `window` other raw blocks: further on, this entry is not coming.
    for (let passed = 0; passed < this.#options.window && !this.#ended;) {
      const block = await this.#next();
      if (block === undefined || !isRawLeaf(block.cid)) continue;
      if (block.cid === cid) return block.bytes;
      passed += 1;
      this.#ahead.set(block.cid, block.bytes);
      if (this.#ahead.size > this.#options.window) this.#ahead.delete(this.#ahead.keys().next().value!);
    }
    return undefined;
  }

  /** The next block, or undefined when the stream has ended (done, failed or stalled). */
  async #next(): Promise<DagBlock | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<'stalled'>((resolve) => {
      timer = setTimeout(() => {
        resolve('stalled');
      }, this.#options.stallMs);
    });
    try {
      const next = await Promise.race([this.#blocks.next(), stalled]);
      if (next === 'stalled') {
        this.#failure = new Error(`no block within ${this.#options.stallMs} ms`);
      } else if (next.done !== true) {
        return next.value;
      }
    } catch (error) {
      this.#failure = error;
    } finally {
      clearTimeout(timer);
    }
    this.#stop();
    return undefined;
  }
}

/** Whether a CID names a raw leaf (0x55): the one kind whose block is the whole tx-file. */
export function isRawLeaf(cid: Parameters<typeof cidToBytes>[0]): boolean {
  try {
    // CIDv1 bytes: version, then the codec (one varint byte for the protocol's codecs).
    return cidToBytes(cid)[1] === CidCodec.Raw;
  } catch {
    return false;
  }
}
