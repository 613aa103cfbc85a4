/**
 * Delivery of accepted tx-files to a recipient, straight from `anchorpost.tx-file.accepted.v1`:
 * only the recipient's partition (`partitionForKey(recipientHash)`, as the relay publishes),
 * filtered by recipient hash. Pull-based: a batch, bounded by records and bytes, is taken only
 * when the consumer asks for more, so a slow consumer never makes the relay buffer. Subscribers
 * of one partition share one reader of it (PartitionTails, ADR 0028); history replay and HTTP
 * pages read for themselves, a bounded number at a time (ReadPermits).
 */
import { partitionForKey } from '@anchorpost/bus-port';
import type { Bus, BusRecord } from '@anchorpost/bus-port';
import type { RelayReceipt } from '@anchorpost/events';
import { TX_FILE_ACCEPTED_TOPIC, txFileAccepted } from '@anchorpost/events';
import { decodeCursor, encodeCursor } from './delivery-cursor.ts';
import type { NewsSignal } from './news-signal.ts';
import { PartitionTails } from './partition-tail.ts';
import { ReadPermits } from './read-permits.ts';
import { RecentCids } from './recent-cids.ts';
import { RelayError, RelayErrorCode } from './relay-error.ts';
import { notify } from './relay-observer.ts';
import type { RelayObserver } from './relay-observer.ts';
import type { RelaySettings } from './relay-options.ts';

/**
 * One file as delivered. Subscribers of one partition share the object (and its bytes) for a
 * record, so it is read-only: a transport may key what it derives from it (an encoded event) by it.
 */
export interface DeliveredTxFile {
  readonly cid: string;
  readonly txFile: Uint8Array;
  readonly receipt: RelayReceipt;
  /** A peer platform's file (ADR 0031): the peer's name; undefined for this platform's own. */
  readonly origin: string | undefined;
  /** Resume after this file: pass it back to `subscribe` or `messagesSince`. */
  readonly cursor: string;
}

export interface SubscribeOptions {
  /** Start after this cursor; omitted: live only, from the end of the log at the time of the call. */
  cursor?: string;
  /** Ends the stream (the iteration finishes without an error). */
  signal: AbortSignal;
}

export interface MessagesPage {
  items: DeliveredTxFile[];
  /** Where the next call continues (past every record looked at, not only those returned). */
  cursor: string;
  /** True when the page reached the end of the log: poll again later rather than at once. */
  caughtUp: boolean;
}

export const MAX_PAGE_LIMIT = 1_000;

function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}

const RECIPIENT_HASH = /^[0-9a-f]{128}$/;

export class TxFileDelivery {
  readonly #bus: Bus;
  readonly #settings: RelaySettings;
  readonly #news: NewsSignal;
  readonly #observer: RelayObserver | undefined;
  readonly #permits: ReadPermits;
  readonly #tails: PartitionTails;
  readonly #decoded = new WeakMap<BusRecord, DeliveredTxFile | null>();

  constructor(bus: Bus, settings: RelaySettings, news: NewsSignal, observer: RelayObserver | undefined) {
    this.#bus = bus;
    this.#settings = settings;
    this.#news = news;
    this.#observer = observer;
    this.#permits = new ReadPermits(settings.catchUpReads);
    this.#tails = new PartitionTails(bus, TX_FILE_ACCEPTED_TOPIC, settings, news, this.#permits);
  }

  /** Partitions read by a shared reader now (one per partition with subscribers in this process). */
  get sharedReaders(): number {
    return this.#tails.size;
  }

  #partition(recipientHash: string): number {
    if (typeof recipientHash !== 'string' || !RECIPIENT_HASH.test(recipientHash)) {
      throw new RelayError(
        RelayErrorCode.BadRecipient,
        'recipientHash must be 128 lower-case hex characters',
      );
    }
    return partitionForKey(recipientHash, this.#settings.partitions);
  }

  async #endOffset(partition: number): Promise<number> {
    const ends = await this.#bus.endOffsets(TX_FILE_ACCEPTED_TOPIC);
    return ends[partition] ?? 0;
  }

  /** The next offset to read after `cursor` (checked against the end of the log). */
  async #start(
    partition: number,
    cursor: string | null | undefined,
    fallback: 'end' | 'beginning',
  ): Promise<number> {
    const end = await this.#endOffset(partition);
    if (cursor === undefined || cursor === null) return fallback === 'end' ? end : 0;
    const { offset } = decodeCursor(cursor, partition);
    if (offset > end) throw new RelayError(RelayErrorCode.BadCursor, 'the cursor is past the end of the log');
    return offset;
  }

  /**
   * The record as a delivery for `recipientHash`, or null (another recipient, undecodable).
   * Decoded once per record object: the subscribers of a partition get the same records from its
   * shared reader, so they share the delivery (and its bytes) rather than each decoding a copy.
   */
  #deliver(record: BusRecord, recipientHash: string): DeliveredTxFile | null {
    if (record.key !== recipientHash) return null;
    let delivery = this.#decoded.get(record);
    if (delivery === undefined) {
      delivery = this.#decode(record);
      this.#decoded.set(record, delivery);
    }
    return delivery;
  }

  #decode(record: BusRecord): DeliveredTxFile | null {
    try {
      const event = txFileAccepted.decode(record.value);
      if (event.recipientHash !== record.key) return null;
      return {
        cid: event.cid,
        txFile: event.txFile,
        receipt: event.receipt,
        origin: event.origin,
        cursor: encodeCursor({ partition: record.partition, offset: record.offset + 1 }),
      };
    } catch (error) {
      notify(this.#observer, 'badRecord', { partition: record.partition, offset: record.offset, error });
      return null;
    }
  }

  /**
   * Where a subscription given `cursor` starts, as a cursor: the given one once checked, or the
   * current end of the log. A transport calls this before it commits to a stream, so a bad
   * recipient or cursor is an ordinary error response, and can hand the client a cursor to resume
   * from even before the first file arrives.
   */
  async startCursor(recipientHash: string, cursor: string | undefined): Promise<string> {
    const partition = this.#partition(recipientHash);
    return encodeCursor({ partition, offset: await this.#start(partition, cursor, 'end') });
  }

  /**
   * Files for `recipientHash` as they are accepted. Reconnecting with the last cursor seen
   * yields every later file exactly once. Ends when `signal` aborts.
   */
  async *subscribe(
    recipientHash: string,
    options: SubscribeOptions,
  ): AsyncGenerator<DeliveredTxFile, void, undefined> {
    const partition = this.#partition(recipientHash);
    let offset = await this.#start(partition, options.cursor, 'end');
    const seen = new RecentCids(this.#settings.dedupeWindow);
    const { signal } = options;
    const reader = this.#tails.join(partition);
    try {
      while (!signal.aborted) {
        // Our own copy, emptied as it goes: a consumer that stalls on a file holds that file,
        // not the records of its batch.
        const batch = [...(await reader.read(offset))];
        if (batch.length === 0) {
          await this.#news.wait(this.#settings.pollIntervalMs, signal);
          continue;
        }
        while (batch.length > 0) {
          offset = batch[0]!.offset + 1;
          const delivery = this.#deliver(batch.shift()!, recipientHash);
          if (delivery !== null && seen.add(delivery.cid)) {
            yield delivery;
            // The consumer may have aborted while it held this file.
            if (isAborted(signal)) return;
          }
        }
      }
    } finally {
      reader.leave();
    }
  }

  /**
   * One page of files for `recipientHash` after `cursor` (null: from the oldest record the bus
   * still holds), for HTTP polling. Looks at `maxScanRecords` records at most, so a page can be
   * empty without being caught up.
   */
  async messagesSince(recipientHash: string, cursor: string | null, limit: number): Promise<MessagesPage> {
    const partition = this.#partition(recipientHash);
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
      throw new RelayError(RelayErrorCode.BadArgument, `limit must be an integer in 1…${MAX_PAGE_LIMIT}`);
    }
    let offset = await this.#start(partition, cursor, 'beginning');
    const items: DeliveredTxFile[] = [];
    const seen = new RecentCids(this.#settings.dedupeWindow);
    let scanned = 0;
    let caughtUp = false;
    while (items.length < limit && scanned < this.#settings.maxScanRecords) {
      const want = Math.min(this.#settings.readBatchRecords, this.#settings.maxScanRecords - scanned);
      const records = await this.#permits.run(() =>
        this.#bus.read(TX_FILE_ACCEPTED_TOPIC, partition, offset, want, {
          maxBytes: this.#settings.readBatchBytes,
        }),
      );
      if (records.length === 0) {
        caughtUp = true;
        break;
      }
      for (const record of records) {
        offset = record.offset + 1;
        scanned += 1;
        const delivery = this.#deliver(record, recipientHash);
        if (delivery !== null && seen.add(delivery.cid)) {
          items.push(delivery);
          if (items.length === limit) break;
        }
      }
    }
    return { items, cursor: encodeCursor({ partition, offset }), caughtUp };
  }
}
