import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { BusError, type BusErrorCode } from '../bus-error.ts';
import type { Bus, BusMessage, BusRecord, DeliveryFailure, SubscribeOptions } from '../bus.ts';
import { DeadLetterHeader } from '../dead-letter.ts';
import { partitionForKey } from '../partitioner.ts';
import { deadLetterTopic } from '../topic-name.ts';

/** What a contract test gets from the adapter under test. */
export interface BusFixture {
  /** An open bus. Topics and groups the tests use have fresh random names, so storage may be shared. */
  readonly bus: Bus;
  /**
   * Closes the open bus and opens a new one over the same data: a process restart (for Kafka, a
   * new client). Consumers stopped by it have committed only what their handlers finished.
   */
  reopen(): Promise<Bus>;
  /** Closes whatever bus is open and releases the storage. */
  cleanup(): Promise<void>;
}

export interface BusContractOptions {
  /** Per-test time limit (default 60 s; a real broker rebalancing consumer groups needs seconds). */
  readonly timeoutMs?: number;
  /** How long to wait for an expected delivery (default 20 s). */
  readonly waitMs?: number;
}

/**
 * The contract every Bus adapter passes: FileLogBus here, the Kafka adapter against a broker.
 * Registers node:test suites; call it from a test file with a factory for fresh fixtures.
 */
export function busContract(
  name: string,
  makeBus: () => Promise<BusFixture>,
  options: BusContractOptions = {},
): void {
  const timeout = options.timeoutMs ?? 60_000;
  const waitMs = options.waitMs ?? 20_000;

  const withBus = async (test: (fixture: BusFixture) => Promise<void>): Promise<void> => {
    const fixture = await makeBus();
    try {
      await test(fixture);
    } finally {
      await fixture.cleanup();
    }
  };

  const waitFor = async (what: string, condition: () => boolean | Promise<boolean>): Promise<void> => {
    const deadline = Date.now() + waitMs;
    while (!(await condition())) {
      if (Date.now() > deadline) assert.fail(`timed out after ${waitMs} ms waiting for ${what}`);
      await sleep(10);
    }
  };

  describe(`Bus contract: ${name}`, () => {
    describe('topics', () => {
      it('rejects topic names that are not anchorpost.<entity>.<event>.v<N>-shaped', { timeout }, () =>
        withBus(async ({ bus }) => {
          const bad = [
            '',
            'anchorpost',
            'Anchorpost.tx-file.accepted.v1',
            'anchorpost..accepted.v1',
            'anchorpost.tx-file.accepted.',
            '.anchorpost.tx-file',
            'anchorpost.tx file.v1',
            'anchorpost.tx_file.v1',
            'anchorpost/tx-file.v1',
            '-anchorpost.tx-file.v1',
            `anchorpost.${'x'.repeat(250)}.v1`,
          ];
          for (const topic of bad) {
            await rejectsWith(
              bus.ensureTopic(topic, { partitions: 1 }),
              'INVALID_TOPIC',
              `ensureTopic ${topic}`,
            );
            await rejectsWith(bus.publish(topic, [message('k', 'v')]), 'INVALID_TOPIC', `publish ${topic}`);
            await rejectsWith(bus.read(topic, 0, 0, 1), 'INVALID_TOPIC', `read ${topic}`);
            await rejectsWith(bus.endOffsets(topic), 'INVALID_TOPIC', `endOffsets ${topic}`);
            await rejectsWith(bus.lag(groupName(), topic), 'INVALID_TOPIC', `lag ${topic}`);
            await rejectsWith(
              bus.subscribe({ groupId: groupName(), topic, handler: () => Promise.resolve() }),
              'INVALID_TOPIC',
              `subscribe ${topic}`,
            );
          }
          await bus.ensureTopic(topicName('accepted'), { partitions: 1 });
        }),
      );

      it('refuses a topic that was never created', { timeout }, () =>
        withBus(async ({ bus }) => {
          const topic = topicName('missing');
          await rejectsWith(bus.publish(topic, [message('k', 'v')]), 'UNKNOWN_TOPIC');
          await rejectsWith(bus.read(topic, 0, 0, 1), 'UNKNOWN_TOPIC');
          await rejectsWith(bus.endOffsets(topic), 'UNKNOWN_TOPIC');
          await rejectsWith(
            bus.subscribe({ groupId: groupName(), topic, handler: () => Promise.resolve() }),
            'UNKNOWN_TOPIC',
          );
        }),
      );

      it('ensureTopic is idempotent and refuses another partition count', { timeout }, () =>
        withBus(async ({ bus }) => {
          const topic = topicName('ensured');
          await bus.ensureTopic(topic, { partitions: 3 });
          await bus.ensureTopic(topic, { partitions: 3 });
          await Promise.all([
            bus.ensureTopic(topic, { partitions: 3 }),
            bus.ensureTopic(topic, { partitions: 3 }),
          ]);
          assert.deepEqual(await bus.endOffsets(topic), [0, 0, 0]);
          await rejectsWith(bus.ensureTopic(topic, { partitions: 4 }), 'TOPIC_CONFLICT');
          await rejectsWith(bus.ensureTopic(topicName('zero'), { partitions: 0 }), 'INVALID_ARGUMENT');
        }),
      );
    });

    describe('publish and read', () => {
      it('puts each key on the partition Kafka’s default partitioner picks, every time', { timeout }, () =>
        withBus(async (fixture) => {
          const topic = topicName('keyed');
          await fixture.bus.ensureTopic(topic, { partitions: 5 });
          const keys = [
            ...Array.from({ length: 40 }, (_, i) => `recipient-${i}`),
            '',
            'ключ',
            '🔑',
            'a'.repeat(300),
          ];
          const first = await fixture.bus.publish(
            topic,
            keys.map((key) => message(key, 'first')),
          );
          first.forEach(({ partition }, i) => {
            assert.equal(
              partition,
              partitionForKey(keys[i]!, 5),
              `partition of key ${JSON.stringify(keys[i])}`,
            );
          });
          const bus = await fixture.reopen();
          const again = await bus.publish(
            topic,
            keys.map((key) => message(key, 'again')),
          );
          assert.deepEqual(
            again.map((record) => record.partition),
            first.map((record) => record.partition),
          );
          const spread = new Set(first.map((record) => record.partition));
          assert.ok(
            spread.size >= 4,
            `40 keys should spread over the partitions, got ${[...spread].join(',')}`,
          );
        }),
      );

      it('keeps one partition’s records in publish order with consecutive offsets', { timeout }, () =>
        withBus(async ({ bus }) => {
          const topic = topicName('ordered');
          await bus.ensureTopic(topic, { partitions: 3 });
          const keys = ['alice', 'bob', 'carol', 'dave'];
          const published = new Map<number, string[]>();
          for (let round = 0; round < 20; round++) {
            const messages = Array.from({ length: 10 }, (_, i) =>
              message(keys[i % keys.length]!, `${round}:${i}`),
            );
            const placed = await bus.publish(topic, messages);
            placed.forEach(({ partition, offset }, i) => {
              const values = published.get(partition) ?? [];
              assert.equal(offset, values.length, `offset in partition ${partition}`);
              values.push(text(messages[i]!.value));
              published.set(partition, values);
            });
          }
          for (const [partition, values] of published) {
            const records = await readAll(bus, topic, partition);
            assert.deepEqual(
              records.map((record) => record.offset),
              values.map((_, i) => i),
            );
            assert.deepEqual(
              records.map((record) => text(record.value)),
              values,
            );
          }
        }),
      );

      it('reads a partition from any cursor', { timeout }, () =>
        withBus(async ({ bus }) => {
          const topic = topicName('cursor');
          await bus.ensureTopic(topic, { partitions: 2 });
          const key = keyFor(0, 2);
          const before = Date.now();
          const messages = Array.from({ length: 50 }, (_, i) => ({
            key,
            value: bytes(`value-${i}`),
            headers: { 'anchorpost-index': String(i), 'content-type': 'text/plain' },
          }));
          await bus.publish(topic, messages.slice(0, 25));
          await bus.publish(topic, messages.slice(25));
          const after = Date.now();

          const page = await bus.read(topic, 0, 17, 5);
          assert.deepEqual(
            page.map((record) => record.offset),
            [17, 18, 19, 20, 21],
          );
          for (const record of page) {
            assert.equal(record.topic, topic);
            assert.equal(record.partition, 0);
            assert.equal(record.key, key);
            assert.equal(text(record.value), `value-${record.offset}`);
            assert.deepEqual(
              { ...record.headers },
              { 'anchorpost-index': String(record.offset), 'content-type': 'text/plain' },
            );
            assert.ok(record.timestamp >= before - 5_000 && record.timestamp <= after + 5_000, 'timestamp');
          }
          assert.deepEqual(
            (await bus.read(topic, 0, 0, 3)).map((record) => record.offset),
            [0, 1, 2],
          );
          assert.deepEqual(
            (await bus.read(topic, 0, 45, 100)).map((record) => record.offset),
            [45, 46, 47, 48, 49],
          );
          assert.deepEqual(await bus.read(topic, 0, 50, 10), []);
          assert.deepEqual(await bus.read(topic, 1, 0, 10), []);
          await rejectsWith(bus.read(topic, 0, 51, 1), 'OFFSET_OUT_OF_RANGE');
          await rejectsWith(bus.read(topic, 2, 0, 1), 'UNKNOWN_PARTITION');
          await rejectsWith(bus.read(topic, 0, -1, 1), 'INVALID_ARGUMENT');
          await rejectsWith(bus.read(topic, 0, 0, 0), 'INVALID_ARGUMENT');
        }),
      );

      it('reports the end offset of every partition', { timeout }, () =>
        withBus(async ({ bus }) => {
          const topic = topicName('ends');
          await bus.ensureTopic(topic, { partitions: 4 });
          assert.deepEqual(await bus.endOffsets(topic), [0, 0, 0, 0]);
          const placed = await bus.publish(
            topic,
            Array.from({ length: 37 }, (_, i) => message(`key-${i % 9}`, `v${i}`)),
          );
          const counts = [0, 0, 0, 0];
          for (const { partition } of placed) counts[partition]! += 1;
          assert.deepEqual(await bus.endOffsets(topic), counts);
          assert.deepEqual(await bus.publish(topic, []), []);
          assert.deepEqual(await bus.endOffsets(topic), counts);
        }),
      );

      it('keeps published records across a reopen and appends after them', { timeout }, () =>
        withBus(async (fixture) => {
          const topic = topicName('durable');
          await fixture.bus.ensureTopic(topic, { partitions: 2 });
          const placed = await fixture.bus.publish(
            topic,
            Array.from({ length: 100 }, (_, i) => message(`key-${i % 7}`, `v${i}`)),
          );
          const ends = await fixture.bus.endOffsets(topic);
          const bus = await fixture.reopen();
          assert.deepEqual(await bus.endOffsets(topic), ends);
          for (const [i, { partition, offset }] of placed.entries()) {
            const [record] = await bus.read(topic, partition, offset, 1);
            assert.equal(record && text(record.value), `v${i}`);
          }
          const [next] = await bus.publish(topic, [message(keyFor(1, 2), 'after reopen')]);
          assert.deepEqual(next, { partition: 1, offset: ends[1] });
        }),
      );

      it('refuses malformed and oversized records, and stays usable', { timeout }, () =>
        withBus(async ({ bus }) => {
          const topic = topicName('sizes');
          await bus.ensureTopic(topic, { partitions: 1 });
          await rejectsWith(
            bus.publish(topic, [{ key: 'k', value: new Uint8Array(2 * 1024 * 1024) }]),
            'TOO_LARGE',
          );
          await rejectsWith(
            bus.publish(topic, [{ key: 7, value: bytes('v') } as unknown as BusMessage]),
            'INVALID_ARGUMENT',
          );
          await rejectsWith(
            bus.publish(topic, [{ key: 'k', value: 'v' } as unknown as BusMessage]),
            'INVALID_ARGUMENT',
          );
          // A refused call writes nothing, not even its valid messages.
          await rejectsWith(
            bus.publish(topic, [message('k', 'fine'), { key: 'k', value: new Uint8Array(2 * 1024 * 1024) }]),
            'TOO_LARGE',
          );
          assert.deepEqual(await bus.endOffsets(topic), [0]);
          assert.deepEqual(await bus.publish(topic, [message('k', 'v')]), [{ partition: 0, offset: 0 }]);
        }),
      );

      it('loses and duplicates nothing under 20 concurrent publishers × 500 records', { timeout }, () =>
        withBus(async ({ bus }) => {
          const topic = topicName('concurrent');
          await bus.ensureTopic(topic, { partitions: 4 });
          const publishers = 20;
          const perPublisher = 500;
          const placedAt = new Map<string, string>();
          await Promise.all(
            Array.from({ length: publishers }, async (_, publisher) => {
              for (let call = 0; call < perPublisher / 20; call++) {
                const messages = Array.from({ length: 20 }, (_, i) =>
                  message(`publisher-${publisher}-key-${i % 5}`, `${publisher}/${call * 20 + i}`),
                );
                const placed = await bus.publish(topic, messages);
                placed.forEach(({ partition, offset }, i) => {
                  placedAt.set(text(messages[i]!.value), `${partition}:${offset}`);
                });
              }
            }),
          );
          const total = publishers * perPublisher;
          assert.equal(placedAt.size, total);
          assert.equal(
            new Set(placedAt.values()).size,
            total,
            'two messages got the same partition and offset',
          );
          const ends = await bus.endOffsets(topic);
          assert.equal(
            ends.reduce((sum, end) => sum + end, 0),
            total,
          );
          const seen = new Map<string, string>();
          for (let partition = 0; partition < ends.length; partition++) {
            for (const record of await readAll(bus, topic, partition)) {
              const value = text(record.value);
              assert.equal(seen.has(value), false, `${value} stored twice`);
              seen.set(value, `${partition}:${record.offset}`);
            }
          }
          assert.deepEqual(seen, placedAt);
        }),
      );
    });

    describe('consumer groups', () => {
      it('gives every group every record, each partition in offset order', { timeout }, () =>
        withBus(async ({ bus }) => {
          const topic = topicName('fanout');
          await bus.ensureTopic(topic, { partitions: 3 });
          await bus.publish(topic, messages('early', 60));
          const a = collector();
          const b = collector();
          const subscriptions = [
            await bus.subscribe({ groupId: groupName(), topic, fromBeginning: true, handler: a.handler }),
            await bus.subscribe({
              groupId: groupName(),
              topic,
              fromBeginning: true,
              handler: b.handler,
              maxBatchRecords: 7,
            }),
          ];
          await bus.publish(topic, messages('late', 60));
          await waitFor(
            'both groups to get 120 records',
            () => a.records.length >= 120 && b.records.length >= 120,
          );
          for (const seen of [a, b]) {
            assert.equal(seen.records.length, 120, 'no record twice');
            assert.equal(new Set(seen.values()).size, 120);
            assertOffsetOrder(seen.records);
          }
          assert.ok(
            b.batchSizes.every((size) => size <= 7),
            'maxBatchRecords respected',
          );
          await Promise.all(subscriptions.map((subscription) => subscription.close()));
        }),
      );

      it('resumes from committed offsets after a reopen without redelivering', { timeout }, () =>
        withBus(async (fixture) => {
          const topic = topicName('resume');
          const groupId = groupName();
          await fixture.bus.ensureTopic(topic, { partitions: 3 });
          await fixture.bus.publish(topic, messages('before', 30));
          const first = collector();
          const subscription = await fixture.bus.subscribe({
            groupId,
            topic,
            fromBeginning: true,
            handler: first.handler,
          });
          await waitFor('30 records', () => first.records.length >= 30);
          await subscription.close();

          const bus = await fixture.reopen();
          await bus.publish(topic, messages('after', 10));
          const second = collector();
          await bus.subscribe({ groupId, topic, fromBeginning: true, handler: second.handler });
          await waitFor('10 new records', () => second.records.length >= 10);
          await sleep(200);
          assert.deepEqual(second.values().sort(), expectedValues('after', 10).sort());
        }),
      );

      it('pins a new group’s start at the end, so later records are never skipped', { timeout }, () =>
        withBus(async (fixture) => {
          const topic = topicName('latest');
          const groupId = groupName();
          await fixture.bus.ensureTopic(topic, { partitions: 2 });
          await fixture.bus.publish(topic, messages('old', 5));
          const first = collector();
          const subscription = await fixture.bus.subscribe({ groupId, topic, handler: first.handler });
          await fixture.bus.publish(topic, messages('new', 3));
          await waitFor('3 records', () => first.records.length >= 3);
          await sleep(100);
          assert.deepEqual(first.values().sort(), expectedValues('new', 3).sort());
          await subscription.close();

          // Published while nobody listens, then a restart: the group resumes, not "latest" again.
          await fixture.bus.publish(topic, messages('unattended', 4));
          const bus = await fixture.reopen();
          const second = collector();
          await bus.subscribe({ groupId, topic, handler: second.handler });
          await waitFor('4 records', () => second.records.length >= 4);
          await sleep(100);
          assert.deepEqual(second.values().sort(), expectedValues('unattended', 4).sort());
        }),
      );

      it(
        'redelivers a record whose handler failed when the consumer stops before committing',
        { timeout },
        () =>
          withBus(async (fixture) => {
            const topic = topicName('crash');
            const groupId = groupName();
            await fixture.bus.ensureTopic(topic, { partitions: 1 });
            await fixture.bus.publish(topic, messages('m', 5));
            const handled: number[] = [];
            let failures = 0;
            await fixture.bus.subscribe({
              groupId,
              topic,
              fromBeginning: true,
              deadLetter: false,
              retry: { maxAttempts: 1, initialBackoffMs: 5, maxBackoffMs: 20 },
              handler: (batch) => {
                if (batch.some((record) => text(record.value) === 'm-2')) {
                  failures += 1;
                  return Promise.reject(new Error('downstream is down'));
                }
                for (const record of batch) handled.push(record.offset);
                return Promise.resolve();
              },
            });
            await waitFor('several failed attempts', () => failures >= 4);
            assert.deepEqual(
              handled,
              [0, 1],
              'nothing after the failing record is handled (it is never skipped)',
            );

            const bus = await fixture.reopen(); // the "crash": offset 2 was never committed
            const again = collector();
            await bus.subscribe({ groupId, topic, fromBeginning: true, handler: again.handler });
            await waitFor('3 records', () => again.records.length >= 3);
            await sleep(100);
            assert.deepEqual(
              again.records.map((record) => record.offset),
              [2, 3, 4],
            );
          }),
      );

      it('dead-letters a record that keeps failing, with error headers, and goes on', { timeout }, () =>
        withBus(async ({ bus }) => {
          const topic = topicName('poison');
          const groupId = groupName();
          await bus.ensureTopic(topic, { partitions: 1 });
          await bus.publish(topic, [
            message('k', 'good-1'),
            { key: 'k', value: bytes('poison'), headers: { 'trace-id': 'abc' } },
            message('k', 'good-2'),
          ]);
          const handled: string[] = [];
          let poisonAlone = 0;
          const failures: DeliveryFailure[] = [];
          const subscription = await bus.subscribe({
            groupId,
            topic,
            fromBeginning: true,
            retry: { maxAttempts: 3, initialBackoffMs: 5, maxBackoffMs: 20 },
            onFailure: (failure) => failures.push(failure),
            handler: (batch) => {
              if (batch.some((record) => text(record.value) === 'poison')) {
                if (batch.length === 1) poisonAlone += 1;
                return Promise.reject(
                  new BusError('INVALID_ARGUMENT', 'cannot parse the record', { retryable: true }),
                );
              }
              handled.push(...batch.map((record) => text(record.value)));
              return Promise.resolve();
            },
          });
          await waitFor('good-2 handled', () => handled.includes('good-2'));
          assert.equal(poisonAlone, 3, 'the poison record alone got exactly maxAttempts attempts');
          assert.ok(failures.some((failure) => failure.next === 'dead-letter'));

          const dlq = deadLetterTopic(topic);
          await waitFor(
            'the dead letter',
            async () => (await bus.endOffsets(dlq)).reduce((a, b) => a + b, 0) === 1,
          );
          const ends = await bus.endOffsets(dlq);
          const partition = ends.findIndex((end) => end === 1);
          const [letter] = await bus.read(dlq, partition, 0, 1);
          assert.ok(letter);
          assert.equal(letter.key, 'k');
          assert.equal(text(letter.value), 'poison');
          assert.equal(letter.headers['trace-id'], 'abc');
          assert.equal(letter.headers[DeadLetterHeader.OriginalTopic], topic);
          assert.equal(letter.headers[DeadLetterHeader.OriginalPartition], '0');
          assert.equal(letter.headers[DeadLetterHeader.OriginalOffset], '1');
          assert.equal(letter.headers[DeadLetterHeader.GroupId], groupId);
          assert.equal(letter.headers[DeadLetterHeader.Attempts], '3');
          assert.equal(letter.headers[DeadLetterHeader.ErrorName], 'BusError');
          assert.equal(letter.headers[DeadLetterHeader.ErrorCode], 'INVALID_ARGUMENT');
          assert.equal(letter.headers[DeadLetterHeader.ErrorMessage], 'cannot parse the record');
          assert.ok(!Number.isNaN(Date.parse(letter.headers[DeadLetterHeader.FailedAt] ?? '')));

          await waitFor('the group to commit past the poison record', async () => {
            const [lag] = await bus.lag(groupId, topic);
            return lag?.committedOffset === 3;
          });
          await subscription.close();
        }),
      );

      it('dead-letters at once a record whose error says retrying cannot help', { timeout }, () =>
        withBus(async ({ bus }) => {
          const topic = topicName('fatal');
          await bus.ensureTopic(topic, { partitions: 1 });
          await bus.publish(topic, [message('k', 'fatal'), message('k', 'fine')]);
          const handled: string[] = [];
          let fatalAttempts = 0;
          await bus.subscribe({
            groupId: groupName(),
            topic,
            fromBeginning: true,
            retry: { maxAttempts: 10, initialBackoffMs: 5, maxBackoffMs: 20 },
            handler: (batch) => {
              if (batch.some((record) => text(record.value) === 'fatal')) {
                if (batch.length === 1) fatalAttempts += 1;
                return Promise.reject(Object.assign(new Error('schema violation'), { retryable: false }));
              }
              handled.push(...batch.map((record) => text(record.value)));
              return Promise.resolve();
            },
          });
          await waitFor('fine handled', () => handled.includes('fine'));
          assert.equal(fatalAttempts, 1);
          const dlq = deadLetterTopic(topic);
          await waitFor(
            'the dead letter',
            async () => (await bus.endOffsets(dlq)).reduce((a, b) => a + b, 0) === 1,
          );
          const partition = (await bus.endOffsets(dlq)).findIndex((end) => end === 1);
          const [letter] = await bus.read(dlq, partition, 0, 1);
          assert.equal(letter?.headers[DeadLetterHeader.Attempts], '1');
          assert.equal(letter.headers[DeadLetterHeader.ErrorMessage], 'schema violation');
        }),
      );

      it('splits the partitions among members of one group', { timeout }, () =>
        withBus(async ({ bus }) => {
          const topic = topicName('shared');
          const groupId = groupName();
          await bus.ensureTopic(topic, { partitions: 4 });
          const a = collector();
          const b = collector();
          const subscriptions = [
            await bus.subscribe({ groupId, topic, fromBeginning: true, handler: a.handler }),
            await bus.subscribe({ groupId, topic, fromBeginning: true, handler: b.handler }),
          ];
          await bus.publish(topic, messages('shared', 200));
          await waitFor('200 records between the members', () => a.records.length + b.records.length >= 200);
          await sleep(200);
          const values = [...a.values(), ...b.values()];
          assert.equal(values.length, 200, 'each record goes to one member of the group');
          assert.deepEqual(values.sort(), expectedValues('shared', 200).sort());
          await Promise.all(subscriptions.map((subscription) => subscription.close()));
        }),
      );

      it('stops delivering once a subscription is closed', { timeout }, () =>
        withBus(async ({ bus }) => {
          const topic = topicName('closed');
          await bus.ensureTopic(topic, { partitions: 2 });
          const seen = collector();
          const subscription = await bus.subscribe({ groupId: groupName(), topic, handler: seen.handler });
          await bus.publish(topic, messages('one', 4));
          await waitFor('4 records', () => seen.records.length >= 4);
          await subscription.close();
          await subscription.close();
          await bus.publish(topic, messages('two', 4));
          await sleep(300);
          assert.equal(seen.records.length, 4);
        }),
      );

      it('reports lag per partition', { timeout }, () =>
        withBus(async ({ bus }) => {
          const topic = topicName('lag');
          const groupId = groupName();
          await bus.ensureTopic(topic, { partitions: 3 });
          const never = await bus.lag(groupName(), topic);
          assert.deepEqual(
            never.map((partition) => partition.committedOffset),
            [null, null, null],
          );
          await bus.publish(topic, messages('consumed', 12));
          const seen = collector();
          const subscription = await bus.subscribe({
            groupId,
            topic,
            fromBeginning: true,
            handler: seen.handler,
          });
          await waitFor('12 records', () => seen.records.length >= 12);
          await waitFor('lag 0', async () =>
            (await bus.lag(groupId, topic)).every((partition) => partition.lag === 0),
          );
          await subscription.close();
          await bus.publish(topic, messages('pending', 9));
          const lag = await bus.lag(groupId, topic);
          const ends = await bus.endOffsets(topic);
          assert.deepEqual(
            lag.map((partition) => partition.partition),
            [0, 1, 2],
          );
          for (const partition of lag) {
            assert.equal(partition.endOffset, ends[partition.partition]);
            assert.equal(partition.lag, partition.endOffset - (partition.committedOffset ?? 0));
          }
          assert.equal(
            lag.reduce((sum, partition) => sum + partition.lag, 0),
            9,
          );
          const unknown = await bus.lag(groupName(), topic);
          assert.deepEqual(
            unknown.map((partition) => partition.lag),
            ends,
          );
        }),
      );

      it('checks subscribe options', { timeout }, () =>
        withBus(async ({ bus }) => {
          const topic = topicName('options');
          await bus.ensureTopic(topic, { partitions: 1 });
          const handler = (): Promise<void> => Promise.resolve();
          const bad: Partial<SubscribeOptions>[] = [
            { groupId: 'has space' },
            { groupId: '' },
            { maxBatchRecords: 0 },
            { concurrency: 0 },
            { retry: { maxAttempts: 0 } },
            { retry: { initialBackoffMs: -1 } },
          ];
          for (const options of bad) {
            await rejectsWith(
              bus.subscribe({ groupId: groupName(), topic, handler, ...options }),
              'INVALID_ARGUMENT',
              JSON.stringify(options),
            );
          }
        }),
      );
    });

    it('refuses calls after close', { timeout }, () =>
      withBus(async ({ bus }) => {
        const topic = topicName('after-close');
        await bus.ensureTopic(topic, { partitions: 1 });
        await bus.close();
        await bus.close();
        await rejectsWith(bus.publish(topic, [message('k', 'v')]), 'CLOSED');
        await rejectsWith(bus.read(topic, 0, 0, 1), 'CLOSED');
        await rejectsWith(
          bus.subscribe({ groupId: groupName(), topic, handler: () => Promise.resolve() }),
          'CLOSED',
        );
      }),
    );
  });
}

interface Collector {
  readonly records: BusRecord[];
  readonly batchSizes: number[];
  readonly handler: (batch: readonly BusRecord[]) => Promise<void>;
  values(): string[];
}

function collector(): Collector {
  const records: BusRecord[] = [];
  const batchSizes: number[] = [];
  return {
    records,
    batchSizes,
    handler: (batch) => {
      records.push(...batch);
      batchSizes.push(batch.length);
      return Promise.resolve();
    },
    values: () => records.map((record) => text(record.value)),
  };
}

function assertOffsetOrder(records: readonly BusRecord[]): void {
  const last = new Map<number, number>();
  for (const record of records) {
    const previous = last.get(record.partition) ?? -1;
    assert.equal(record.offset, previous + 1, `partition ${record.partition} delivered out of order`);
    last.set(record.partition, record.offset);
  }
}

async function readAll(bus: Bus, topic: string, partition: number): Promise<BusRecord[]> {
  const records: BusRecord[] = [];
  for (;;) {
    const page = await bus.read(topic, partition, records.length, 1000);
    if (page.length === 0) return records;
    records.push(...page);
  }
}

async function rejectsWith(promise: Promise<unknown>, code: BusErrorCode, what = ''): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof BusError, `${what}: expected a BusError, got ${String(error)}`);
    assert.equal(error.code, code, `${what}: ${error.message}`);
    return true;
  });
}

/** A fresh topic name per test, so a shared broker (Kafka) never mixes tests. */
function topicName(event: string): string {
  return `anchorpost.contract-${randomBytes(5).toString('hex')}.${event}.v1`;
}

function groupName(): string {
  return `contract-${randomBytes(6).toString('hex')}`;
}

/** A key that the default partitioner puts on `partition` of `partitions`. */
function keyFor(partition: number, partitions: number): string {
  for (let i = 0; ; i++) if (partitionForKey(`key-${i}`, partitions) === partition) return `key-${i}`;
}

function message(key: string, value: string): BusMessage {
  return { key, value: bytes(value) };
}

function messages(prefix: string, count: number): BusMessage[] {
  return expectedValues(prefix, count).map((value, i) => message(`${prefix}-key-${i % 11}`, value));
}

function expectedValues(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
}

function bytes(value: string): Uint8Array {
  return new TextEncoder().encode(value);
}

function text(value: Uint8Array): string {
  return new TextDecoder().decode(value);
}
