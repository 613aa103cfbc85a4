import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
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
import { ConsumerGroup } from './consumer-group.ts';
import { DirectoryLock } from './directory-lock.ts';
import { syncDirectory } from './durable-files.ts';
import { GroupCommit } from './group-commit.ts';
import { GroupOffsets } from './group-offsets.ts';
import { FRAME_HEADER_BYTES, MAX_PAYLOAD_BYTES, encodeFrame, encodeMessage } from './record-frame.ts';
import { TopicLog, UNFINISHED_TOPIC_PREFIX } from './topic-log.ts';

export interface FileLogBusOptions {
  /** The log directory; created if missing. One process owns it at a time. */
  readonly dir: string;
  /** A partition's active segment is rolled once it would grow past this (default 64 MiB). */
  readonly segmentBytes?: number;
  /** Log bytes between two offset-index entries (default 4 KiB, as Kafka). */
  readonly indexIntervalBytes?: number;
  /** Largest encoded record (value, key, headers and 37 bytes of framing) accepted (default 1 MiB, as Kafka). */
  readonly maxRecordBytes?: number;
}

export const FILE_LOG_DEFAULTS = {
  segmentBytes: 64 * 1024 * 1024,
  indexIntervalBytes: 4096,
  maxRecordBytes: 1024 * 1024,
} as const;

/** Each partition keeps its active segment's two files open while written. */
const MAX_PARTITIONS = 1024;
const MAX_SEGMENT_BYTES = 1024 * 1024 * 1024;

/** A partition whose last segment had a torn or corrupt tail, cut off when the bus was opened. */
export interface RecoveredPartition {
  readonly topic: string;
  readonly partition: number;
  readonly truncatedBytes: number;
}

/** Opens (creating or recovering) an embedded, durable bus in `options.dir`. */
export async function openFileLogBus(options: FileLogBusOptions): Promise<FileLogBus> {
  return FileLogBus.open(options);
}

/**
 * The embedded bus: an append-only log on local disk with Kafka's semantics — partitions by key,
 * offsets, consumer groups with committed positions — for `npm start` on one machine. Publishes
 * resolve once fsynced (group commit); subscribers are woken as soon as records are durable.
 * Layout: `LOCK`, `topics/<topic>/<partition>/<base offset>.{log,index}`, `groups/<group>/<topic>.json`.
 */
export class FileLogBus implements Bus {
  readonly dir: string;
  /** What crash recovery cut off when this bus was opened (empty after a clean shutdown). */
  readonly recovery: readonly RecoveredPartition[];
  private readonly lock: DirectoryLock;
  private readonly settings: Required<Omit<FileLogBusOptions, 'dir'>>;
  private readonly topics: Map<string, TopicLog>;
  private readonly creating = new Map<string, Promise<TopicLog>>();
  private readonly groups = new Map<string, Promise<ConsumerGroup>>();
  private readonly committer = new GroupCommit();
  private state: 'open' | 'closing' | 'closed' = 'open';
  private closing: Promise<void> | null = null;

  private constructor(
    dir: string,
    lock: DirectoryLock,
    settings: Required<Omit<FileLogBusOptions, 'dir'>>,
    topics: Map<string, TopicLog>,
  ) {
    this.dir = dir;
    this.lock = lock;
    this.settings = settings;
    this.topics = topics;
    this.recovery = [...topics.values()].flatMap((topic) =>
      topic.partitions
        .map((log, partition) => ({ topic: topic.name, partition, truncatedBytes: log.truncatedBytes }))
        .filter((partition) => partition.truncatedBytes > 0),
    );
  }

  static async open(options: FileLogBusOptions): Promise<FileLogBus> {
    const settings = checkOptions(options);
    await mkdir(options.dir, { recursive: true });
    const lock = await DirectoryLock.acquire(options.dir);
    const topics = new Map<string, TopicLog>();
    try {
      const topicsDir = join(lock.dir, 'topics');
      await mkdir(topicsDir, { recursive: true });
      await mkdir(join(lock.dir, 'groups'), { recursive: true });
      await syncDirectory(lock.dir);
      for (const entry of await readdir(topicsDir, { withFileTypes: true })) {
        if (!entry.isDirectory()) continue;
        if (entry.name.startsWith(UNFINISHED_TOPIC_PREFIX)) {
          await rm(join(topicsDir, entry.name), { recursive: true, force: true });
          continue;
        }
        topics.set(entry.name, await TopicLog.open(join(topicsDir, entry.name), entry.name, settings));
      }
    } catch (error) {
      for (const topic of topics.values()) await topic.close();
      await lock.release();
      throw error;
    }
    return new FileLogBus(lock.dir, lock, settings, topics);
  }

  async ensureTopic(topic: string, spec: TopicSpec): Promise<void> {
    this.assertState('open');
    assertTopicName(topic);
    const partitions = integerArgument('partitions', spec.partitions, 1, MAX_PARTITIONS);
    let log = this.topics.get(topic);
    if (log === undefined) {
      let creating = this.creating.get(topic);
      if (creating === undefined) {
        creating = TopicLog.create(join(this.dir, 'topics'), topic, partitions, this.settings);
        this.creating.set(topic, creating);
        creating.then(
          (created) => {
            this.topics.set(topic, created);
            this.creating.delete(topic);
          },
          () => this.creating.delete(topic),
        );
      }
      log = await creating;
    }
    if (log.partitions.length !== partitions) {
      throw new BusError(
        BusErrorCode.TopicConflict,
        `topic ${topic} exists with ${log.partitions.length} partitions, not ${partitions}`,
      );
    }
  }

  async publish(topic: string, messages: readonly BusMessage[]): Promise<PublishedRecord[]> {
    this.assertState('open', 'closing');
    if (this.committer.failed !== null) throw this.committer.failed;
    const log = this.topicLog(topic);
    const list: unknown = messages;
    if (!Array.isArray(list)) throw new BusError(BusErrorCode.InvalidArgument, 'messages must be an array');
    const encoded = messages.map((message, index) => {
      assertBusMessage(message, index);
      const bytes = encodeMessage(message);
      if (FRAME_HEADER_BYTES + bytes.payloadBytes > this.settings.maxRecordBytes) {
        throw new BusError(
          BusErrorCode.TooLarge,
          `message ${index} encodes to ${FRAME_HEADER_BYTES + bytes.payloadBytes} bytes; the bus takes at most ${this.settings.maxRecordBytes}`,
        );
      }
      return bytes;
    });
    if (encoded.length === 0) return [];
    // Everything is checked: queue all messages in this tick, so one call is one run of offsets per partition.
    const timestamp = Date.now();
    const touched = new Set<(typeof log.partitions)[number]>();
    const published = encoded.map((bytes, index): PublishedRecord => {
      const partition = partitionForKey(messages[index]!.key, log.partitions.length);
      const partitionLog = log.partitions[partition]!;
      touched.add(partitionLog);
      return { partition, offset: partitionLog.enqueue((offset) => encodeFrame(bytes, offset, timestamp)) };
    });
    await Promise.all([...touched].map((partitionLog) => this.committer.request(partitionLog)));
    return published;
  }

  async read(
    topic: string,
    partition: number,
    fromOffset: number,
    maxRecords: number,
    options?: ReadOptions,
  ): Promise<BusRecord[]> {
    this.assertState('open', 'closing');
    const log = this.topicLog(topic);
    const partitionLog = log.partitions[partition];
    if (partitionLog === undefined) {
      throw new BusError(
        BusErrorCode.UnknownPartition,
        `topic ${topic} has partitions 0..${log.partitions.length - 1}, not ${String(partition)}`,
      );
    }
    integerArgument('fromOffset', fromOffset, 0);
    integerArgument('maxRecords', maxRecords, 1, MAX_RECORDS_PER_READ);
    const maxBytes = readBytesOption(options);
    const records = await partitionLog.read(fromOffset, maxRecords, maxBytes);
    return records.map((record) => ({ topic, partition, ...record }));
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async so that refusals reject rather than throw
  async endOffsets(topic: string): Promise<number[]> {
    this.assertState('open', 'closing');
    return this.topicLog(topic).partitions.map((log) => log.endOffset);
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    this.assertState('open');
    const resolved = resolveSubscribeOptions(options);
    const topic = this.topicLog(resolved.topic);
    if (resolved.policy.deadLetter) {
      await this.ensureTopic(deadLetterTopic(topic.name), { partitions: topic.partitions.length });
    }
    for (;;) {
      const group = await this.group(resolved.groupId, topic, resolved.fromBeginning);
      this.assertState('open');
      // A group whose last member just left is stopping; the next call starts a fresh one.
      if (!group.stopped) return group.join(resolved);
    }
  }

  async lag(groupId: string, topic: string): Promise<PartitionLag[]> {
    this.assertState('open', 'closing');
    assertGroupId(groupId);
    const log = this.topicLog(topic);
    const active = this.groups.get(groupKey(groupId, topic));
    const offsets =
      active === undefined
        ? await GroupOffsets.load(join(this.dir, 'groups'), groupId, topic, log.partitions.length)
        : (await active).offsets;
    return log.partitions.map((partitionLog, partition) => {
      const committedOffset = offsets.get(partition);
      const endOffset = partitionLog.endOffset;
      return { partition, committedOffset, endOffset, lag: Math.max(0, endOffset - (committedOffset ?? 0)) };
    });
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.state = 'closing';
    // Handlers in flight may still publish (dead letters, follow-up events) until their groups close.
    while (this.groups.size > 0) {
      const groups = [...this.groups];
      await Promise.allSettled(groups.map(async ([, group]) => (await group).close()));
      for (const [key, group] of groups) if (this.groups.get(key) === group) this.groups.delete(key);
    }
    await Promise.allSettled([...this.creating.values()]);
    this.state = 'closed';
    await this.committer.drain();
    for (const topic of this.topics.values()) await topic.close();
    await this.lock.release();
  }

  private group(groupId: string, topic: TopicLog, fromBeginning: boolean): Promise<ConsumerGroup> {
    const key = groupKey(groupId, topic.name);
    const existing = this.groups.get(key);
    if (existing !== undefined) return existing;
    const starting = (async () => {
      const offsets = await GroupOffsets.load(
        join(this.dir, 'groups'),
        groupId,
        topic.name,
        topic.partitions.length,
      );
      return ConsumerGroup.start(
        groupId,
        topic,
        offsets,
        fromBeginning,
        async (record, error, attempts) => {
          await this.publish(deadLetterTopic(record.topic), [
            deadLetterMessage(record, groupId, error, attempts),
          ]);
        },
        () => {
          if (this.groups.get(key) === starting) this.groups.delete(key);
        },
      );
    })();
    this.groups.set(key, starting);
    starting.catch(() => {
      if (this.groups.get(key) === starting) this.groups.delete(key);
    });
    return starting;
  }

  private topicLog(topic: string): TopicLog {
    assertTopicName(topic);
    const log = this.topics.get(topic);
    if (log === undefined) {
      throw new BusError(
        BusErrorCode.UnknownTopic,
        `topic ${topic} does not exist (create it with ensureTopic)`,
      );
    }
    return log;
  }

  private assertState(...allowed: readonly ('open' | 'closing')[]): void {
    if (!(allowed as readonly string[]).includes(this.state)) {
      throw new BusError(BusErrorCode.Closed, `the bus in ${this.dir} is ${this.state}`);
    }
  }
}

function groupKey(groupId: string, topic: string): string {
  return `${groupId}\u0000${topic}`;
}

function checkOptions(options: FileLogBusOptions): Required<Omit<FileLogBusOptions, 'dir'>> {
  if (typeof options.dir !== 'string' || options.dir === '') {
    throw new BusError(BusErrorCode.BadConfig, 'dir: the log directory is required');
  }
  const value = (name: keyof typeof FILE_LOG_DEFAULTS, min: number, max: number): number => {
    const given = options[name] ?? FILE_LOG_DEFAULTS[name];
    if (!Number.isSafeInteger(given) || given < min || given > max) {
      throw new BusError(
        BusErrorCode.BadConfig,
        `${name} must be an integer from ${min} to ${max}, got ${given}`,
      );
    }
    return given;
  };
  return {
    segmentBytes: value('segmentBytes', 1, MAX_SEGMENT_BYTES),
    indexIntervalBytes: value('indexIntervalBytes', 1, MAX_SEGMENT_BYTES),
    maxRecordBytes: value('maxRecordBytes', 1, FRAME_HEADER_BYTES + MAX_PAYLOAD_BYTES),
  };
}
