import type { Cluster, Kafka } from 'kafkajs';
import { BusError, BusErrorCode, recordBytes } from '@anchorpost/bus-port';
import type { BusRecord } from '@anchorpost/bus-port';
import { setTimeout as sleep } from 'node:timers/promises';
import { isCoordinatorError, isRebalanceError, kafkaBusError } from './kafka-error.ts';
import { recordHeaders } from './record-headers.ts';

/** Tries of a commit whose group coordinator is loading or moved: about 10 s in all. */
const COORDINATOR_ATTEMPTS = 10;
const COORDINATOR_MAX_DELAY_MS = 2_000;

/**
 * The two Kafka requests the port needs that kafkajs's public API lacks:
 * - Fetch at any offset (`read`): kafkajs's consumer reads only through a consumer group (join,
 *   sync, assignment — seconds per call, and a group per reader);
 * - OffsetCommit outside a group generation (`commitGroupStart`): kafkajs's `admin.setOffsets`
 *   joins the group with a throw-away consumer to do it.
 * Both are plain requests, so this asks kafkajs for a Cluster of its own (the object its producer,
 * consumer and admin are built on: connections, metadata, leaders, coordinators) and sends them
 * with it. Creating that Cluster is kafkajs-internal (a private method of the Kafka client);
 * kafkajs 2.2.4, its last release, is pinned exactly, and the contract tests run this against a
 * real broker.
 */
export class DirectRequests {
  readonly #cluster: Cluster;
  #connected: Promise<void> | null = null;

  constructor(kafka: Kafka) {
    this.#cluster = internalCluster(kafka);
  }

  /**
   * Up to `maxRecords` records and `maxBytes` bytes (but at least one record) from `fromOffset`:
   * Fetch returns whole record batches (starting before the offset asked for, and at least one
   * batch even if larger than the byte limit), so records before the cursor are dropped and
   * fetches repeat until enough records or bytes, or the end. Each fetch asks the broker for no
   * more than the bytes still wanted, so a read holds about `maxBytes` plus one record batch.
   */
  async read(
    topic: string,
    partition: number,
    fromOffset: number,
    maxRecords: number,
    maxBytes: number,
  ): Promise<BusRecord[]> {
    const records: BusRecord[] = [];
    let cursor = fromOffset;
    let left = maxBytes;
    let full = false;
    while (records.length < maxRecords && !full) {
      const fetchBytes = Math.max(1, Math.min(FETCH_BYTES, left));
      const fetched = await this.#fetch(topic, partition, cursor, fetchBytes);
      for (const message of fetched.messages) {
        const offset = Number(message.offset);
        if (message.isControlRecord || offset < cursor || records.length >= maxRecords || full) continue;
        const record: BusRecord = {
          topic,
          partition,
          offset,
          key: message.key === null ? '' : message.key.toString('utf8'),
          // A view, not a copy: the fetched response is already bounded by maxBytes (plus one
          // batch), and copying each value would double what a read of large records allocates.
          value:
            message.value === null
              ? new Uint8Array(0)
              : new Uint8Array(message.value.buffer, message.value.byteOffset, message.value.byteLength),
          headers: recordHeaders(message.headers),
          timestamp: Number(message.timestamp),
        };
        const bytes = recordBytes(record);
        if (records.length > 0 && bytes > left) {
          full = true;
          continue;
        }
        left -= bytes;
        records.push(record);
        cursor = offset + 1;
      }
      if (cursor >= fetched.highWatermark || fetched.messages.length === 0) break;
    }
    return records;
  }

  /**
   * Commits offsets for a group that has no members, as Kafka's own admin client does
   * (generation -1, no member id). false if the group has members: the broker refuses (their
   * generation owns the offsets), and they fixed their start when they joined.
   */
  async commitGroupStart(
    groupId: string,
    topic: string,
    partitions: readonly { partition: number; offset: string }[],
  ): Promise<boolean> {
    this.#connected ??= this.#cluster.connect();
    await this.#connected;
    for (let attempt = 1; ; attempt++) {
      const coordinator = await this.#cluster.findGroupCoordinator({ groupId });
      try {
        await coordinator.offsetCommit({
          groupId,
          groupGenerationId: -1,
          memberId: '',
          topics: [{ topic, partitions: partitions.map(({ partition, offset }) => ({ partition, offset })) }],
        });
        return true;
      } catch (error) {
        if (isRebalanceError(error)) return false;
        // A fresh or restarted broker is still loading its offsets topic, or the group's
        // coordinator moved: ask again who it is, a little later.
        if (!isCoordinatorError(error) || attempt >= COORDINATOR_ATTEMPTS) throw error;
        await sleep(Math.min(COORDINATOR_MAX_DELAY_MS, 50 * 2 ** attempt));
      }
    }
  }

  async close(): Promise<void> {
    if (this.#connected === null) return;
    await this.#connected.catch(() => undefined);
    await this.#cluster.disconnect();
  }

  async #fetch(
    topic: string,
    partition: number,
    offset: number,
    maxBytes: number,
  ): Promise<FetchedPartition> {
    for (let attempt = 1; ; attempt++) {
      try {
        this.#connected ??= this.#cluster.connect();
        await this.#connected;
        await this.#cluster.addTargetTopic(topic);
        const leaders = this.#cluster.findLeaderForPartitions(topic, [partition]);
        const nodeId = Object.keys(leaders)[0];
        if (nodeId === undefined) {
          throw new BusError(BusErrorCode.Unavailable, `no leader known for ${topic} partition ${partition}`);
        }
        const broker = await this.#cluster.findBroker({ nodeId });
        const response = (await broker.fetch({
          maxWaitTime: 0,
          minBytes: 1,
          maxBytes,
          topics: [{ topic, partitions: [{ partition, fetchOffset: String(offset), maxBytes }] }],
        })) as FetchResponse;
        const found = response.responses
          .find((entry) => entry.topicName === topic)
          ?.partitions.find((entry) => entry.partition === partition);
        if (found === undefined) {
          throw new BusError(
            BusErrorCode.Unavailable,
            `the broker answered without ${topic} partition ${partition}`,
          );
        }
        return { messages: found.messages, highWatermark: Number(found.highWatermark) };
      } catch (error) {
        const mapped = kafkaBusError(error, `read ${topic} partition ${partition} from ${offset}`);
        if (!mapped.retryable || attempt >= 3) throw mapped;
        // Stale metadata (a moved leader, a reconnect): look the leaders up again.
        this.#connected = null;
        await this.#cluster.refreshMetadata().catch(() => undefined);
      }
    }
  }
}

/** Most bytes per fetch request; a partition's first batch comes back whole even when larger. */
const FETCH_BYTES = 4 * 1024 * 1024;

interface FetchedMessage {
  readonly offset: string;
  readonly timestamp: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, Buffer | Buffer[] | undefined>>;
  readonly isControlRecord: boolean;
}

interface FetchResponse {
  readonly responses: readonly {
    readonly topicName: string;
    readonly partitions: readonly {
      readonly partition: number;
      readonly highWatermark: string;
      readonly messages: readonly FetchedMessage[];
    }[];
  }[];
}

interface FetchedPartition {
  readonly messages: readonly FetchedMessage[];
  readonly highWatermark: number;
}

type CreateCluster = (options: { allowAutoTopicCreation: boolean; metadataMaxAge?: number }) => Cluster;

/** kafkajs's own factory, with the client's brokers, timeouts, retry and logger. */
function internalCluster(kafka: Kafka): Cluster {
  const key = Object.getOwnPropertySymbols(kafka).find(
    (symbol) => symbol.description === 'private:Kafka:createCluster',
  );
  const create = key === undefined ? undefined : (kafka as unknown as Record<symbol, unknown>)[key];
  if (typeof create !== 'function') {
    throw new BusError(
      BusErrorCode.BadConfig,
      'this kafkajs version has no internal cluster factory; the Kafka bus needs kafkajs 2.2.4',
    );
  }
  return (create as CreateCluster)({ allowAutoTopicCreation: false });
}
