/**
 * Group commit: submits that arrive within `windowMs` of each other, or while the previous group
 * is forming, are handed to one group together, so that a database transaction, a produce
 * request and a storage round trip are shared by many files instead of paid per file. A group
 * takes at most `maxFiles` files and `maxBytes` bytes (always at least one file). The queue is
 * bounded by `maxQueuedFiles` and `maxQueuedBytes`: past them a submit is refused at once with
 * INGEST_QUEUE_FULL (retryable) rather than waiting without end.
 *
 * A group runs in two stages, `prepare` then `finish`, pipelined two deep: the next group forms
 * and prepares while the previous one finishes, so the work that writes nothing durable to the
 * bus (for the relay: look-up, storage adds, receipt insert) overlaps the publish of the group
 * before. Each stage runs one group at a time, in queue order, so whatever a stage draws in order
 * (sequence numbers, bus offsets) follows the queue; a group finishes only after the one before
 * it has finished, whether that one succeeded or failed. At most two groups are in flight: a
 * prepared group holds the forming slot until it starts to finish, so files queue meanwhile and
 * the next group is larger rather than many small ones piling up.
 *
 * The stages settle each entry; one they leave unsettled gets the stage's own error when a stage
 * rejects, so a failed group fails every submit still waiting in it, and only those.
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

/** The two stages of a group (see GroupCommit): what `prepare` returns, `finish` is given. */
export interface GroupStages<I, R, P> {
  prepare(entries: readonly GroupEntry<I, R>[]): Promise<P>;
  finish(entries: readonly GroupEntry<I, R>[], prepared: P): Promise<void>;
}

export class GroupCommit<I, R, P = void> {
  readonly #settings: GroupCommitSettings;
  readonly #stages: GroupStages<I, R, P>;
  readonly #queue: Entry<I, R>[] = [];
  #queuedBytes = 0;
  /** The flush to come: an immediate, or the window's timeout (also in #waiting). */
  #timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  #waiting: NodeJS.Timeout | undefined;
  /** A group is preparing, or prepared and waiting for the one before it to finish. */
  #forming = false;
  /** Settles when the last group started has finished (never rejects). */
  #finished: Promise<void> = Promise.resolve();

  constructor(settings: GroupCommitSettings, stages: GroupStages<I, R, P>) {
    this.#settings = settings;
    this.#stages = stages;
  }

  /** Files waiting for a group (not counting the groups in flight). */
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
    if (this.#forming || this.#queue.length === 0) return;
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

  /** The next group's entries: queue order, at most maxFiles and maxBytes, at least one. */
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
    if (this.#forming || this.#queue.length === 0) return;
    this.#forming = true;
    const entries = this.#take();
    this.#finished = this.#runGroup(entries, this.#finished);
  }

  async #runGroup(entries: readonly Entry<I, R>[], previous: Promise<void>): Promise<void> {
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      this.#forming = false;
      // Whatever queued meanwhile has waited a whole stage already: it forms next, at once.
      if (this.#queue.length > 0)
        this.#timer = setImmediate(() => {
          this.#run();
        });
    };
    try {
      const prepared = await this.#stages.prepare(entries);
      await previous;
      release();
      await this.#stages.finish(entries, prepared);
      for (const entry of entries) entry.reject(new Error('the group left a submit unanswered'));
    } catch (error) {
      for (const entry of entries) entry.reject(error);
    } finally {
      release();
      // A group that failed to prepare still finishes after the one before it, so the next
      // group's finish cannot overtake that one's.
      await previous;
    }
  }
}
