import { Kafka, logLevel, type Admin, type Message, type ICustomPartitioner, type Producer } from 'kafkajs';
import {
  assertGroupId,
  assertTopicName,
  type Bus,
  BusError,
  BusErrorCode,
  type BusMessage,
  type BusRecord,
  deadLetterMessage,
  deadLetterTopic,
  MAX_RECORDS_PER_READ,
  partitionForKey,
  type PartitionLag,
  type PublishedRecord,
  type ReadOptions,
  type SubscribeOptions,
  type Subscription,
  type TopicSpec,
} from '@anchorpost/bus-port';
import { assertBusMessage } from '../bus-message.ts';
import { integerArgument, readBytesOption } from '../integer-argument.ts';
import { resolveSubscribeOptions } from '../subscribe-options.ts';
import { KAFKA_BUS_DEFAULTS, parseBrokers, type KafkaBusOptions } from './config.ts';
import { DirectRequests } from './direct-requests.ts';
// Side effect: kafkajs's request queue no longer schedules negative timeouts.
import './request-queue-schedule.ts';
import { kafkaBusError } from './kafka-error.ts';
import { KafkaSubscription } from './kafka-subscription.ts';

/** Kafka itself allows more; the port's topics are small (one partition per unit of parallelism). */
const MAX_PARTITIONS = 10_000;

/**
 * One produce request carries at most this many message bytes: the broker refuses a partition's
 * batch above its message.max.bytes (1 MiB by default), so a large publish goes out in several
 * requests, in order (one request in flight, idempotent: no duplicates or reordering on retry).
 */
const PRODUCE_REQUEST_BYTES = 512 * 1024;

/** What a record costs besides its key, value and headers in a record batch (a generous bound). */
const RECORD_OVERHEAD_BYTES = 64;

/** Connects to the brokers (UNAVAILABLE if none answers) and returns the Kafka adapter of the bus. */
export async function openKafkaBus(options: KafkaBusOptions): Promise<KafkaBus> {
  return KafkaBus.open(options);
}

/**
 * The Bus port on Kafka (kafkajs). Keys go to partitions with the port's murmur2 partitioner (the
 * same as FileLogBus and Kafka's Java client), publishes are idempotent with acks=all, consumer
 * groups commit after the handler resolved through the port's shared delivery loop. Topics are
 * never auto-created: ensureTopic creates them.
 */
export class KafkaBus implements Bus {
  readonly brokers: readonly string[];
  readonly #admin: Admin;
  readonly #producer: Producer;
  readonly #direct: DirectRequests;
  readonly #kafka: Kafka;
  readonly #maxRecordBytes: number;
  readonly #replicationFactor: number;
  /** Partition counts never change for a port topic (that would move keys), so they are cached. */
  readonly #partitions = new Map<string, number>();
  readonly #ensuring = new Map<string, Promise<number>>();
  readonly #subscriptions = new Set<KafkaSubscription>();
  #state: 'open' | 'closing' | 'closed' = 'open';
  #closing: Promise<void> | null = null;

  private constructor(
    kafka: Kafka,
    brokers: readonly string[],
    settings: Required<
      Omit<KafkaBusOptions, 'brokers' | 'clientId' | 'connectionTimeoutMs' | 'requestTimeoutMs' | 'retries'>
    >,
    retries: number,
  ) {
    this.#kafka = kafka;
    this.brokers = brokers;
    this.#maxRecordBytes = settings.maxRecordBytes;
    this.#replicationFactor = settings.replicationFactor;
    this.#admin = kafka.admin({ retry: { retries } });
    this.#producer = kafka.producer({
      idempotent: true,
      // kafkajs keeps order on retries of an idempotent producer only with one request in flight.
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: portPartitioner,
      // kafkajs would retry an idempotent producer for ever; a broker outage must surface as
      // UNAVAILABLE. (It refuses an idempotent producer without retries, hence at least one.)
      retry: { retries: Math.max(1, retries) },
    });
    this.#direct = new DirectRequests(kafka);
  }

  static async open(options: KafkaBusOptions): Promise<KafkaBus> {
    const brokers = parseBrokers(options.brokers, 'brokers');
    const number = (name: keyof typeof KAFKA_BUS_DEFAULTS & keyof KafkaBusOptions, min: number): number => {
      const value = options[name] ?? KAFKA_BUS_DEFAULTS[name];
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
        throw new BusError(
          BusErrorCode.BadConfig,
          `${name} must be an integer of at least ${min}, got ${String(value)}`,
        );
      }
      return value;
    };
    const clientId = options.clientId ?? KAFKA_BUS_DEFAULTS.clientId;
    const replicationFactor = options.replicationFactor ?? -1;
    if (replicationFactor !== -1) integerArgument('replicationFactor', replicationFactor, 1);
    const retries = number('retries', 0);
    const kafka = new Kafka({
      clientId,
      brokers: [...brokers],
      connectionTimeout: number('connectionTimeoutMs', 1),
      requestTimeout: number('requestTimeoutMs', 1),
      retry: { retries },
      logLevel: logLevel.NOTHING,
    });
    const bus = new KafkaBus(
      kafka,
      brokers,
      { maxRecordBytes: number('maxRecordBytes', 1), replicationFactor },
      retries,
    );
    try {
      await bus.#admin.connect();
      await bus.#producer.connect();
    } catch (error) {
      await bus.close().catch(() => undefined);
      throw kafkaBusError(error, `connecting to Kafka at ${brokers.join(',')}`);
    }
    return bus;
  }

  async ensureTopic(topic: string, spec: TopicSpec): Promise<void> {
    this.#assertState('open');
    assertTopicName(topic);
    const partitions = integerArgument('partitions', spec.partitions, 1, MAX_PARTITIONS);
    let ensuring = this.#ensuring.get(topic);
    if (ensuring === undefined) {
      ensuring = this.#createTopic(topic, partitions);
      this.#ensuring.set(topic, ensuring);
      const forget = (): void => {
        this.#ensuring.delete(topic);
      };
      ensuring.then(forget, forget);
    }
    const existing = await ensuring;
    if (existing !== partitions) {
      throw new BusError(
        BusErrorCode.TopicConflict,
        `topic ${topic} exists with ${existing} partitions, not ${partitions}`,
      );
    }
  }

  async publish(topic: string, messages: readonly BusMessage[]): Promise<PublishedRecord[]> {
    this.#assertState('open', 'closing');
    assertTopicName(topic);
    const list: unknown = messages;
    if (!Array.isArray(list)) throw new BusError(BusErrorCode.InvalidArgument, 'messages must be an array');
    const sizes = messages.map((message, index) => {
      assertBusMessage(message, index);
      const size = messageBytes(message);
      if (size > this.#maxRecordBytes) {
        throw new BusError(
          BusErrorCode.TooLarge,
          `message ${index} is ${size} bytes with its key and headers; the bus takes at most ${this.#maxRecordBytes}`,
        );
      }
      return size;
    });
    const partitions = await this.#partitionCount(topic);
    if (messages.length === 0) return [];
    const published: PublishedRecord[] = [];
    for (let start = 0; start < messages.length;) {
      let end = start + 1;
      for (
        let bytes = sizes[start]!;
        end < messages.length && bytes + sizes[end]! <= PRODUCE_REQUEST_BYTES;
        end++
      ) {
        bytes += sizes[end]!;
      }
      published.push(...(await this.#send(topic, messages.slice(start, end), partitions)));
      start = end;
    }
    return published;
  }

  async read(
    topic: string,
    partition: number,
    fromOffset: number,
    maxRecords: number,
    options?: ReadOptions,
  ): Promise<BusRecord[]> {
    this.#assertState('open', 'closing');
    const partitions = await this.#partitionCount(topic);
    if (!Number.isSafeInteger(partition) || partition < 0 || partition >= partitions) {
      throw new BusError(
        BusErrorCode.UnknownPartition,
        `topic ${topic} has partitions 0..${partitions - 1}, not ${String(partition)}`,
      );
    }
    integerArgument('fromOffset', fromOffset, 0);
    integerArgument('maxRecords', maxRecords, 1, MAX_RECORDS_PER_READ);
    return this.#direct.read(topic, partition, fromOffset, maxRecords, readBytesOption(options));
  }

  async endOffsets(topic: string): Promise<number[]> {
    this.#assertState('open', 'closing');
    const partitions = await this.#partitionCount(topic);
    return (await this.#offsets(topic, partitions)).map((offsets) => offsets.high);
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    this.#assertState('open');
    const resolved = resolveSubscribeOptions(options);
    const partitions = await this.#partitionCount(resolved.topic);
    if (resolved.policy.deadLetter) {
      await this.ensureTopic(deadLetterTopic(resolved.topic), { partitions });
    }
    this.#assertState('open');
    const { groupId } = resolved;
    const subscription = await KafkaSubscription.start(
      this.#kafka,
      this.#admin,
      this.#direct,
      resolved,
      async (record, error, attempts) => {
        await this.publish(deadLetterTopic(record.topic), [
          deadLetterMessage(record, groupId, error, attempts),
        ]);
      },
      (closed) => this.#subscriptions.delete(closed),
    );
    this.#subscriptions.add(subscription);
    if (this.#state !== 'open') {
      await subscription.close();
      this.#assertState('open');
    }
    return subscription;
  }

  async lag(groupId: string, topic: string): Promise<PartitionLag[]> {
    this.#assertState('open', 'closing');
    assertGroupId(groupId);
    const partitions = await this.#partitionCount(topic);
    let committed;
    try {
      committed = await this.#admin.fetchOffsets({ groupId, topics: [topic] });
    } catch (error) {
      throw kafkaBusError(error, `committed offsets of ${groupId} on ${topic}`);
    }
    const byPartition = new Map(
      (committed.find((entry) => entry.topic === topic)?.partitions ?? []).map((entry) => [
        entry.partition,
        Number(entry.offset),
      ]),
    );
    return (await this.#offsets(topic, partitions)).map(({ partition, high }) => {
      const offset = byPartition.get(partition);
      const committedOffset = offset === undefined || offset < 0 ? null : offset;
      return { partition, committedOffset, endOffset: high, lag: Math.max(0, high - (committedOffset ?? 0)) };
    });
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    this.#state = 'closing';
    // Handlers in flight may still publish (dead letters, follow-up events) until their members leave.
    while (this.#subscriptions.size > 0) {
      await Promise.allSettled([...this.#subscriptions].map((subscription) => subscription.close()));
    }
    await Promise.allSettled([...this.#ensuring.values()]);
    this.#state = 'closed';
    await Promise.allSettled([this.#producer.disconnect(), this.#admin.disconnect(), this.#direct.close()]);
  }

  async #send(
    topic: string,
    messages: readonly BusMessage[],
    partitions: number,
  ): Promise<PublishedRecord[]> {
    const kafkaMessages: Message[] = messages.map((message) => ({
      key: message.key,
      value: Buffer.from(message.value.buffer, message.value.byteOffset, message.value.byteLength),
      headers: { ...message.headers },
    }));
    let metadata;
    try {
      metadata = await this.#producer.send({ topic, messages: kafkaMessages, acks: -1 });
    } catch (error) {
      throw kafkaBusError(error, `publish to ${topic}`);
    }
    // The response has one base offset per partition; messages keep their order within it.
    const next = new Map<number, number>();
    for (const entry of metadata) {
      if (entry.topicName === topic && entry.baseOffset !== undefined) {
        next.set(entry.partition, Number(entry.baseOffset));
      }
    }
    return messages.map((message) => {
      const partition = partitionForKey(message.key, partitions);
      const offset = next.get(partition);
      if (offset === undefined) {
        throw new BusError(
          BusErrorCode.Unavailable,
          `publish to ${topic}: no offset came back for partition ${partition}`,
        );
      }
      next.set(partition, offset + 1);
      return { partition, offset };
    });
  }

  async #offsets(
    topic: string,
    partitions: number,
  ): Promise<{ partition: number; high: number; low: number }[]> {
    let offsets;
    try {
      offsets = await this.#admin.fetchTopicOffsets(topic);
    } catch (error) {
      throw kafkaBusError(error, `end offsets of ${topic}`);
    }
    const byPartition = new Map(offsets.map((entry) => [entry.partition, entry]));
    return Array.from({ length: partitions }, (_, partition) => {
      const entry = byPartition.get(partition);
      if (entry === undefined) {
        throw new BusError(
          BusErrorCode.Unavailable,
          `end offsets of ${topic}: partition ${partition} missing`,
        );
      }
      return { partition, high: Number(entry.high), low: Number(entry.low) };
    });
  }

  /** The topic's partition count, or UNKNOWN_TOPIC. */
  async #partitionCount(topic: string): Promise<number> {
    assertTopicName(topic);
    const known = this.#partitions.get(topic);
    if (known !== undefined) return known;
    const count = await this.#lookUp(topic);
    if (count === null) {
      throw new BusError(
        BusErrorCode.UnknownTopic,
        `topic ${topic} does not exist (create it with ensureTopic)`,
      );
    }
    return count;
  }

  /** Asks the cluster for the topic's partition count; null if it has no such topic. */
  async #lookUp(topic: string): Promise<number | null> {
    try {
      // listTopics first: metadata for a missing topic is an error kafkajs retries for seconds.
      if (!(await this.#admin.listTopics()).includes(topic)) return null;
      const { topics } = await this.#admin.fetchTopicMetadata({ topics: [topic] });
      const count = topics.find((entry) => entry.name === topic)?.partitions.length;
      if (count === undefined || count === 0) return null;
      this.#partitions.set(topic, count);
      return count;
    } catch (error) {
      throw kafkaBusError(error, `metadata of ${topic}`);
    }
  }

  async #createTopic(topic: string, partitions: number): Promise<number> {
    const existing = this.#partitions.get(topic) ?? (await this.#lookUp(topic));
    if (existing !== null) return existing;
    try {
      await this.#admin.createTopics({
        topics: [{ topic, numPartitions: partitions, replicationFactor: this.#replicationFactor }],
        waitForLeaders: true,
      });
    } catch (error) {
      throw kafkaBusError(error, `create topic ${topic}`);
    }
    // Created here, or by another client just before (createTopics then says false): ask again.
    const count = await this.#lookUp(topic);
    if (count === null)
      throw new BusError(BusErrorCode.Unavailable, `topic ${topic} was created but is not visible yet`);
    return count;
  }

  #assertState(...allowed: readonly ('open' | 'closing')[]): void {
    if (!(allowed as readonly string[]).includes(this.#state)) {
      throw new BusError(BusErrorCode.Closed, `the Kafka bus (${this.brokers.join(',')}) is ${this.#state}`);
    }
  }
}

/** kafkajs's partitioner hook, answering with the port's partitioner (Kafka's default, murmur2). */
const portPartitioner: ICustomPartitioner =
  () =>
  ({ partitionMetadata, message }) => {
    const key = message.key;
    const text = typeof key === 'string' ? key : (key?.toString('utf8') ?? '');
    return partitionForKey(text, partitionMetadata.length);
  };

/** The record's key, value and header bytes plus the batch's per-record overhead. */
function messageBytes(message: BusMessage): number {
  let bytes = Buffer.byteLength(message.key) + message.value.byteLength + RECORD_OVERHEAD_BYTES;
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value);
  }
  return bytes;
}
