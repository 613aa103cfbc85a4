/**
 * Group commit: submits that arrive within `windowMs` of each other, or while the previous flush
 * is in flight, are handed to one flush together, so that a database transaction, a produce
 * request and a storage round trip are shared by many files instead of paid per file. One flush
 * runs at a time (a sender's files reach the bus in the order they were queued); a flush takes at
 * most `maxFiles` files and `maxBytes` bytes (always at least one file). The queue is bounded by
 * `maxQueuedFiles` and `maxQueuedBytes`: past them a submit is refused at once with
 * INGEST_QUEUE_FULL (retryable) rather than waiting without end.
 *
 * The flush settles each entry; one it leaves unsettled gets the flush's own error when the
 * flush rejects, so a failed flush fails every submit in it.
 */
import { RelayError, RelayErrorCode } from './relay-error.ts';

export interface GroupCommitSettings {
  /** How long the first queued submit waits for others before a flush starts (0: the same turn of the event loop). */
  windowMs: number;
  maxFiles: number;
  maxBytes: number;
  maxQueuedFiles: number;
  maxQueuedBytes: number;
}

/** One queued submit as the flush sees it: its input and how to answer it. */
export interface GroupEntry<I, R> {
  readonly input: I;
  readonly bytes: number;
  resolve(result: R): void;
  reject(error: unknown): void;
  /** True once resolve or reject was called. */
  readonly settled: boolean;
}

/** How long a client refused with INGEST_QUEUE_FULL is told to wait: a few flushes. */
const QUEUE_FULL_RETRY_AFTER_MS = 100;

class Entry<I, R> implements GroupEntry<I, R> {
  settled = false;
  readonly input: I;
  readonly bytes: number;
  readonly #resolve: (result: R) => void;
  readonly #reject: (error: unknown) => void;

  constructor(input: I, bytes: number, resolve: (result: R) => void, reject: (error: unknown) => void) {
    this.input = input;
    this.bytes = bytes;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  resolve(result: R): void {
    if (this.settled) return;
    this.settled = true;
    this.#resolve(result);
  }

  reject(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.#reject(error);
  }
}

export class GroupCommit<I, R> {
  readonly #settings: GroupCommitSettings;
  readonly #flush: (entries: readonly GroupEntry<I, R>[]) => Promise<void>;
  readonly #queue: Entry<I, R>[] = [];
  #queuedBytes = 0;
  /** The flush to come: an immediate, or the window's timeout (also in #waiting). */
  #timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  #waiting: NodeJS.Timeout | undefined;
  #flushing = false;

  constructor(settings: GroupCommitSettings, flush: (entries: readonly GroupEntry<I, R>[]) => Promise<void>) {
    this.#settings = settings;
    this.#flush = flush;
  }

  /** Files waiting for a flush (not counting the one in flight). */
  get queuedFiles(): number {
    return this.#queue.length;
  }

  /** Queues one submit; resolves or rejects when its flush has settled it. */
  enqueue(input: I, bytes: number): Promise<R> {
    const { maxQueuedFiles, maxQueuedBytes } = this.#settings;
    // An empty queue takes any one file, so a file larger than the byte bound is not refused forever.
    if (
      this.#queue.length >= maxQueuedFiles ||
      (this.#queue.length > 0 && this.#queuedBytes + bytes > maxQueuedBytes)
    ) {
      return Promise.reject(
        new RelayError(
          RelayErrorCode.IngestQueueFull,
          `the relay has ${this.#queue.length} files (${this.#queuedBytes} bytes) waiting to be stored; retry shortly`,
          { retryAfterMs: QUEUE_FULL_RETRY_AFTER_MS },
        ),
      );
    }
    return new Promise<R>((resolve, reject) => {
      this.#queue.push(new Entry(input, bytes, resolve, reject));
      this.#queuedBytes += bytes;
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#flushing || this.#queue.length === 0) return;
    const { windowMs, maxFiles, maxBytes } = this.#settings;
    const full = this.#queue.length >= maxFiles || this.#queuedBytes >= maxBytes;
    if (this.#timer !== undefined) {
      // A full group does not wait out the window its first file started.
      if (!full || this.#waiting === undefined) return;
      clearTimeout(this.#waiting);
      this.#waiting = undefined;
      this.#timer = undefined;
    }
    if (full || windowMs === 0) {
      this.#timer = setImmediate(() => {
        this.#run();
      });
    } else {
      this.#waiting = setTimeout(() => {
        this.#run();
      }, windowMs);
      this.#timer = this.#waiting;
    }
  }

  /** The next flush's entries: queue order, at most maxFiles and maxBytes, at least one. */
  #take(): Entry<I, R>[] {
    const { maxFiles, maxBytes } = this.#settings;
    let count = 0;
    let bytes = 0;
    while (count < this.#queue.length && count < maxFiles) {
      const next = this.#queue[count]!.bytes;
      if (count > 0 && bytes + next > maxBytes) break;
      bytes += next;
      count += 1;
    }
    this.#queuedBytes -= bytes;
    return this.#queue.splice(0, count);
  }

  #run(): void {
    this.#timer = undefined;
    this.#waiting = undefined;
    if (this.#flushing || this.#queue.length === 0) return;
    this.#flushing = true;
    const entries = this.#take();
    void this.#flush(entries)
      .then(
        () => {
          for (const entry of entries) {
            entry.reject(new Error('the flush left a submit unanswered'));
          }
        },
        (error: unknown) => {
          for (const entry of entries) entry.reject(error);
        },
      )
      .finally(() => {
        this.#flushing = false;
        // Whatever queued meanwhile has waited a whole flush already: it goes next, at once.
        if (this.#queue.length > 0)
          this.#timer = setImmediate(() => {
            this.#run();
          });
      });
  }
}
