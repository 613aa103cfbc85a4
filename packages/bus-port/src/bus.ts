/**
 * The bus port: Kafka's model, cut down to what Anchorpost uses. Topics split into partitions;
 * a record's partition comes from its key (Kafka's default partitioner), so one key's records keep
 * their order; consumer groups commit offsets and get every record at least once.
 * Services see only this interface; FileLogBus (embedded) and the Kafka adapter implement it.
 */

/** Most records one read or one handler call may ask for. */
export const MAX_RECORDS_PER_READ = 10_000;

/** Options of `Bus.read`. */
export interface ReadOptions {
  /**
   * Stop before the record that would take the read past this many bytes (`recordBytes`): the
   * first record comes back whatever its size, so a read always makes progress. Default: no
   * bound but maxRecords. A reader that holds what it reads (delivery) bounds its memory by this.
   */
  readonly maxBytes?: number;
}

/** What a record counts against `ReadOptions.maxBytes`: its value, key and header bytes (UTF-8). */
export function recordBytes(record: Pick<BusRecord, 'key' | 'value' | 'headers'>): number {
  let bytes = record.value.byteLength + utf8.encode(record.key).byteLength;
  for (const [name, value] of Object.entries(record.headers)) {
    bytes += utf8.encode(name).byteLength + utf8.encode(value).byteLength;
  }
  return bytes;
}

// TextEncoder rather than Buffer: the port names no Node API.
const utf8 = new TextEncoder();

/** What a producer sends. The key picks the partition; headers are small string metadata. */
export interface BusMessage {
  readonly key: string;
  readonly value: Uint8Array;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Where publish put a message. */
export interface PublishedRecord {
  readonly partition: number;
  readonly offset: number;
}

/** A stored record, as read or consumed. */
export interface BusRecord {
  readonly topic: string;
  readonly partition: number;
  /** Position in the partition, counting from 0 with no gaps. */
  readonly offset: number;
  readonly key: string;
  readonly value: Uint8Array;
  readonly headers: Readonly<Record<string, string>>;
  /** When the bus accepted the record (ms since the Unix epoch; Kafka's CreateTime). */
  readonly timestamp: number;
}

export interface TopicSpec {
  /** Fixed at creation: changing it would move keys to other partitions. */
  readonly partitions: number;
}

export type BatchHandler = (batch: readonly BusRecord[]) => Promise<void>;

/** How a failing handler is retried. Every field has a default. */
export interface RetryOptions {
  /** Failed attempts after which a record goes to the dead-letter topic (default 5). */
  readonly maxAttempts?: number;
  /** First backoff; it doubles per attempt (default 200 ms). */
  readonly initialBackoffMs?: number;
  /** Backoff ceiling (default 30 s). */
  readonly maxBackoffMs?: number;
}

/** What the consumer loop reports when reading, a handler call, a commit or a dead-letter publish fails. */
export interface DeliveryFailure {
  readonly stage: 'read' | 'handler' | 'commit' | 'dead-letter';
  readonly error: unknown;
  /** The records of the failed call (one record once a failing batch has been split; none for 'read'). */
  readonly records: readonly BusRecord[];
  /** Failed attempts so far at this stage for these records. */
  readonly attempt: number;
  /** What the loop does next: split a failed batch, retry after a backoff, or dead-letter the record. */
  readonly next: 'split' | 'retry' | 'dead-letter';
}

export interface SubscribeOptions {
  readonly groupId: string;
  readonly topic: string;
  /**
   * Where a group without committed offsets starts: the first record (true) or the end (false,
   * default). The start is committed as soon as the subscription is ready, so records published
   * afterwards are never skipped, even if the process stops before consuming them.
   */
  readonly fromBeginning?: boolean;
  /**
   * Called with records of one partition in offset order. Offsets are committed only after it
   * resolves. If it throws, the batch is split and each record is retried on its own with backoff;
   * a record that keeps failing goes to the dead-letter topic.
   */
  readonly handler: BatchHandler;
  /** Most records per handler call (default 100, at most MAX_RECORDS_PER_READ). */
  readonly maxBatchRecords?: number;
  /** Handler calls in flight at once for this member, each for another partition (default 1). */
  readonly concurrency?: number;
  readonly retry?: RetryOptions;
  /**
   * true (default): after `retry.maxAttempts` failures, or at once for an error whose `retryable`
   * is false, the record is published to `<topic>.dlq` with `anchorpost-dlq-*` headers, its
   * offset is committed and consumption goes on. false: the record is retried until it succeeds,
   * holding up its partition.
   */
  readonly deadLetter?: boolean;
  /** Told about every failed attempt (the loop itself never drops a record). */
  readonly onFailure?: (failure: DeliveryFailure) => void;
}

export interface Subscription {
  /**
   * Stops taking batches, waits for handler calls in flight (committing those that succeed) and
   * leaves the group; its partitions go to the group's other members. Idempotent.
   */
  close(): Promise<void>;
}

export interface PartitionLag {
  readonly partition: number;
  /** The next offset the group will consume; null if the group never committed on it. */
  readonly committedOffset: number | null;
  readonly endOffset: number;
  /** endOffset − committedOffset (committedOffset counted as 0 when null). */
  readonly lag: number;
}

export interface Bus {
  /** Creates the topic if missing; refuses (TOPIC_CONFLICT) one that exists with another partition count. */
  ensureTopic(topic: string, spec: TopicSpec): Promise<void>;
  /**
   * Appends messages, each to the partition its key hashes to. Resolves once they are durable,
   * with the partition and offset of each message in order.
   */
  publish(topic: string, messages: readonly BusMessage[]): Promise<PublishedRecord[]>;
  /**
   * Up to maxRecords (≤ MAX_RECORDS_PER_READ) records of one partition from fromOffset on, fewer
   * near the end, [] at the end; OFFSET_OUT_OF_RANGE past it. With `options.maxBytes`, also no
   * more bytes than that (but at least one record).
   */
  read(
    topic: string,
    partition: number,
    fromOffset: number,
    maxRecords: number,
    options?: ReadOptions,
  ): Promise<BusRecord[]>;
  /** The next offset of each partition (the count of records in it), by partition number. */
  endOffsets(topic: string): Promise<number[]>;
  /**
   * Joins the consumer group for the topic. Resolves once the group's start offsets are fixed
   * (committed): everything published after that is delivered.
   */
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  lag(groupId: string, topic: string): Promise<PartitionLag[]>;
  /** Closes every subscription (waiting for handlers in flight), then the bus itself. Idempotent. */
  close(): Promise<void>;
}
