import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { BusRecord, Subscription } from '@anchorpost/bus-port';
import { deliverBatch } from '../delivery.ts';
import type { ResolvedSubscribeOptions } from '../subscribe-options.ts';
import type { DirectRequests } from './direct-requests.ts';
import { isRebalanceError, kafkaBusError } from './kafka-error.ts';
import { recordHeaders } from './record-headers.ts';

export type DeadLetterSink = (record: BusRecord, error: unknown, attempts: number) => Promise<void>;

/** Group timing for a small cluster: a dead member is noticed in 10 s, a rebalance in about 1 s. */
const SESSION_TIMEOUT_MS = 10_000;
const HEARTBEAT_INTERVAL_MS = 1_000;

/**
 * One member of a Kafka consumer group: a kafkajs consumer with autoCommit off. Each fetched batch
 * goes through the port's shared `deliverBatch` (split, retry with backoff, dead-letter), which
 * commits `offset + 1` through the group only after the handler resolved. If the partition is taken
 * away meanwhile (a rebalance), the member stops before its next handler call and the new owner
 * starts from the last commit.
 */
export class KafkaSubscription implements Subscription {
  readonly #consumer: Consumer;
  readonly #options: ResolvedSubscribeOptions;
  readonly #deadLetter: DeadLetterSink;
  readonly #onClosed: (subscription: KafkaSubscription) => void;
  readonly #leaving = new AbortController();
  #closing: Promise<void> | null = null;

  private constructor(
    consumer: Consumer,
    options: ResolvedSubscribeOptions,
    deadLetter: DeadLetterSink,
    onClosed: (subscription: KafkaSubscription) => void,
  ) {
    this.#consumer = consumer;
    this.#options = options;
    this.#deadLetter = deadLetter;
    this.#onClosed = onClosed;
  }

  /**
   * Commits the group's start on partitions it has no position in (the first record or the end),
   * then joins; so records published after subscribe resolves are never skipped, even if this
   * member stops before its first fetch.
   */
  static async start(
    kafka: Kafka,
    admin: Admin,
    direct: DirectRequests,
    options: ResolvedSubscribeOptions,
    deadLetter: DeadLetterSink,
    onClosed: (subscription: KafkaSubscription) => void,
  ): Promise<KafkaSubscription> {
    const { groupId, topic } = options;
    try {
      await commitStart(admin, direct, groupId, topic, options.fromBeginning);
    } catch (error) {
      throw kafkaBusError(error, `subscribe ${groupId} to ${topic}: committing the start offsets`);
    }
    const consumer = kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: SESSION_TIMEOUT_MS,
      heartbeatInterval: HEARTBEAT_INTERVAL_MS,
      maxWaitTimeInMs: 250,
    });
    const subscription = new KafkaSubscription(consumer, options, deadLetter, onClosed);
    // kafkajs restarts a consumer that lost its brokers (after its own retries); tell the observer,
    // as FileLogBus does for a failed read. A crash kafkajs does not restart from is a warning.
    let crashes = 0;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      crashes += 1;
      if (!payload.restart) {
        process.emitWarning(`bus consumer ${groupId} on ${topic} stopped: ${String(payload.error)}`);
      }
      try {
        options.onFailure?.({
          stage: 'read',
          error: kafkaBusError(payload.error, `consumer ${groupId} on ${topic}`),
          records: [],
          attempt: crashes,
          next: 'retry',
        });
      } catch {
        // A faulty observer must not break the consumer.
      }
    });
    consumer.on(consumer.events.FETCH, () => {
      crashes = 0;
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: options.fromBeginning });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.concurrency,
        eachBatch: (payload) => subscription.#consume(payload),
      });
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      throw kafkaBusError(error, `subscribe ${groupId} to ${topic}`);
    }
    return subscription;
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#leaving.abort();
      // Waits for the batch in flight (cut short at its next handler call or backoff), then leaves the group.
      await this.#consumer.disconnect().catch(() => undefined);
      this.#onClosed(this);
    })();
    return this.#closing;
  }

  async #consume(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const isStale = (): boolean => payload.isStale();
    const { topic, partition } = batch;
    const revoked = new AbortController();
    const signal = AbortSignal.any([this.#leaving.signal, revoked.signal]);
    // kafkajs heartbeats only between batches; a handler that retries for long must not look dead.
    const beating = setInterval(() => {
      if (!payload.isRunning() || isStale()) revoked.abort();
      payload.heartbeat().catch((error: unknown) => {
        if (isRebalanceError(error)) revoked.abort();
      });
    }, HEARTBEAT_INTERVAL_MS);
    try {
      const records: BusRecord[] = batch.messages.map((message) => ({
        topic,
        partition,
        offset: Number(message.offset),
        key: message.key === null ? '' : message.key.toString('utf8'),
        value: message.value === null ? new Uint8Array(0) : new Uint8Array(message.value),
        headers: recordHeaders(message.headers),
        timestamp: Number(message.timestamp),
      }));
      const size = this.#options.maxBatchRecords;
      for (let start = 0; start < records.length; start += size) {
        if (signal.aborted || isStale()) return;
        const done = await deliverBatch(records.slice(start, start + size), {
          handler: this.#options.handler,
          policy: this.#options.policy,
          signal,
          commit: async (next) => {
            if (isStale()) revoked.abort();
            try {
              await this.#consumer.commitOffsets([{ topic, partition, offset: String(next) }]);
            } catch (error) {
              if (isRebalanceError(error)) revoked.abort();
              throw kafkaBusError(error, `commit ${this.#options.groupId} ${topic}/${partition} at ${next}`);
            }
            payload.resolveOffset(String(next - 1));
          },
          deadLetter: this.#deadLetter,
          onFailure: this.#options.onFailure,
        });
        if (!done) return;
      }
    } finally {
      clearInterval(beating);
    }
  }
}

async function commitStart(
  admin: Admin,
  direct: DirectRequests,
  groupId: string,
  topic: string,
  fromBeginning: boolean,
): Promise<void> {
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const missing = new Set(
    (committed?.partitions ?? [])
      .filter((partition) => Number(partition.offset) < 0)
      .map((partition) => partition.partition),
  );
  if (missing.size === 0) return;
  const ends = await admin.fetchTopicOffsets(topic);
  const partitions = ends
    .filter((end) => missing.has(end.partition))
    .map((end) => ({ partition: end.partition, offset: fromBeginning ? end.low : end.high }));
  await direct.commitGroupStart(groupId, topic, partitions);
}
