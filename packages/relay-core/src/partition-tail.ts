/**
 * One reader per partition per process (ADR 0028): the subscribers of a partition share a window
 * of its most recent records, read from the bus once and handed to each of them by reference, so
 * N live subscribers cost one bus read per batch, not N. A subscriber behind the window (history
 * replay, or one that fell behind) reads for itself, through ReadPermits, until it reaches the
 * window again. Every read is bounded by records and by bytes, and the window by bytes, so what a
 * partition holds does not grow with its subscribers or with how slow they are.
 */
import { recordBytes } from '@anchorpost/bus-port';
import type { Bus, BusRecord } from '@anchorpost/bus-port';
import type { NewsSignal } from './news-signal.ts';
import type { ReadPermits } from './read-permits.ts';

export interface TailSettings {
  readonly readBatchRecords: number;
  readonly readBatchBytes: number;
  readonly tailWindowBytes: number;
  readonly pollIntervalMs: number;
}

/** A subscriber's handle on its partition's tail. */
export interface PartitionReader {
  /**
   * Records from `offset` on (at most a batch by records and bytes, at least one if any exist),
   * or [] at the end of the log.
   */
  read(offset: number): Promise<readonly BusRecord[]>;
  /** The subscriber is gone; the last one to leave frees the window. */
  leave(): void;
}

export class PartitionTails {
  readonly #tails = new Map<number, PartitionTail>();
  readonly #bus: Bus;
  readonly #topic: string;
  readonly #settings: TailSettings;
  readonly #news: NewsSignal;
  readonly #permits: ReadPermits;

  constructor(bus: Bus, topic: string, settings: TailSettings, news: NewsSignal, permits: ReadPermits) {
    this.#bus = bus;
    this.#topic = topic;
    this.#settings = settings;
    this.#news = news;
    this.#permits = permits;
  }

  join(partition: number): PartitionReader {
    let tail = this.#tails.get(partition);
    if (tail === undefined) {
      tail = new PartitionTail(this.#bus, this.#topic, partition, this.#settings, this.#news, this.#permits);
      this.#tails.set(partition, tail);
    }
    const joined = tail;
    joined.readers += 1;
    let left = false;
    return {
      read: (offset) => joined.read(offset),
      leave: () => {
        if (left) return;
        left = true;
        joined.readers -= 1;
        if (joined.readers === 0 && this.#tails.get(partition) === joined) this.#tails.delete(partition);
      },
    };
  }

  /** Partitions with a shared reader now (for tests and metrics). */
  get size(): number {
    return this.#tails.size;
  }
}

class PartitionTail {
  readers = 0;
  readonly #bus: Bus;
  readonly #topic: string;
  readonly #partition: number;
  readonly #settings: TailSettings;
  readonly #news: NewsSignal;
  readonly #permits: ReadPermits;
  /** Records [#start, #next) of the partition, in order, and their sizes. */
  #window: BusRecord[] = [];
  #sizes: number[] = [];
  #windowBytes = 0;
  #start = -1;
  #next = -1;
  #reading: Promise<void> | null = null;
  /** When the last read at the end found nothing, and the news generation it saw. */
  #emptyAt = -Infinity;
  #emptyNews = -1;

  constructor(
    bus: Bus,
    topic: string,
    partition: number,
    settings: TailSettings,
    news: NewsSignal,
    permits: ReadPermits,
  ) {
    this.#bus = bus;
    this.#topic = topic;
    this.#partition = partition;
    this.#settings = settings;
    this.#news = news;
    this.#permits = permits;
  }

  async read(offset: number): Promise<readonly BusRecord[]> {
    for (;;) {
      if (offset >= this.#start && offset < this.#next) return this.#slice(offset);
      if (offset < this.#start) return this.#catchUp(offset);
      if (offset > this.#next) this.#restart(offset);
      // At the end of the window: one read for every subscriber waiting here.
      if (this.#reading === null && this.#quiet()) return [];
      this.#reading ??= this.#advance().finally(() => {
        this.#reading = null;
      });
      await this.#reading;
      if (offset >= this.#next && offset >= this.#start) return [];
    }
  }

  /**
   * Idle subscribers poll at their own times; while the end was found empty within half a poll
   * interval and this process published nothing since, they are told so without another read.
   */
  #quiet(): boolean {
    return (
      this.#emptyNews === this.#news.generation &&
      performance.now() - this.#emptyAt < this.#settings.pollIntervalMs / 2
    );
  }

  async #advance(): Promise<void> {
    const from = this.#next;
    const startedAt = performance.now();
    const news = this.#news.generation;
    const records = await this.#bus.read(
      this.#topic,
      this.#partition,
      from,
      this.#settings.readBatchRecords,
      {
        maxBytes: this.#settings.readBatchBytes,
      },
    );
    // Someone restarted the window further on while this read ran: these records are not its.
    if (this.#next !== from) return;
    if (records.length === 0) {
      this.#emptyAt = startedAt;
      this.#emptyNews = news;
      return;
    }
    for (const record of records) {
      const bytes = recordBytes(record);
      this.#window.push(record);
      this.#sizes.push(bytes);
      this.#windowBytes += bytes;
    }
    this.#next = records.at(-1)!.offset + 1;
    // Keep at least the batch just read, so the readers waiting for it find it.
    while (this.#windowBytes > this.#settings.tailWindowBytes && this.#window.length > records.length) {
      this.#windowBytes -= this.#sizes.shift()!;
      this.#window.shift();
      this.#start += 1;
    }
  }

  /** Starts the window over at `offset` (a subscriber past it, e.g. a new live one). */
  #restart(offset: number): void {
    this.#window = [];
    this.#sizes = [];
    this.#windowBytes = 0;
    this.#start = offset;
    this.#next = offset;
    this.#emptyAt = -Infinity;
  }

  #slice(offset: number): readonly BusRecord[] {
    const first = offset - this.#start;
    let end = first + 1;
    let bytes = this.#sizes[first]!;
    const last = Math.min(this.#window.length, first + this.#settings.readBatchRecords);
    while (end < last && bytes + this.#sizes[end]! <= this.#settings.readBatchBytes) {
      bytes += this.#sizes[end]!;
      end += 1;
    }
    return this.#window.slice(first, end);
  }

  #catchUp(offset: number): Promise<BusRecord[]> {
    return this.#permits.run(() =>
      this.#bus.read(this.#topic, this.#partition, offset, this.#settings.readBatchRecords, {
        maxBytes: this.#settings.readBatchBytes,
      }),
    );
  }
}
