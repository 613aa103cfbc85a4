/**
 * Bus contract, group "publish and read": partitioning, order, cursors, end offsets, durability,
 * refusals, concurrency.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { partitionForKey, recordBytes } from '@anchorpost/bus-port';
import type { BusMessage, BusRecord } from '@anchorpost/bus-port';
import { bytes, keyFor, message, readAll, rejectsWith, text, topicName } from './fixture.ts';
import type { BusGroupContext } from './fixture.ts';

export function publishAndReadGroup(context: BusGroupContext): void {
  const { timeout, withBus } = context;
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

    it('bounds a read by bytes as well as records, but always returns the first record', { timeout }, () =>
      withBus(async ({ bus }) => {
        const topic = topicName('read-bytes');
        await bus.ensureTopic(topic, { partitions: 1 });
        const key = 'k';
        // 10 records of 10 KiB (value) and one of 40 KiB at offset 5.
        const sizes = [10, 10, 10, 10, 10, 40, 10, 10, 10, 10].map((kib) => kib * 1024);
        await bus.publish(
          topic,
          sizes.map((size, i) => ({ key, value: new Uint8Array(size).fill(i) })),
        );
        const size = (record: BusRecord): number => recordBytes(record);
        assert.equal(recordBytes({ key: 'é', value: new Uint8Array(10), headers: { ab: 'cd' } }), 10 + 2 + 4);

        const three = await bus.read(topic, 0, 0, 100, { maxBytes: 3 * (10 * 1024 + 1) });
        assert.deepEqual(
          three.map((record) => record.offset),
          [0, 1, 2],
          'exactly as many records as fit',
        );
        const justUnder = await bus.read(topic, 0, 0, 100, { maxBytes: 3 * (10 * 1024 + 1) - 1 });
        assert.deepEqual(
          justUnder.map((record) => record.offset),
          [0, 1],
          'a record that would pass the bound is left for the next read',
        );
        const large = await bus.read(topic, 0, 5, 100, { maxBytes: 1024 });
        assert.deepEqual(
          large.map((record) => record.offset),
          [5],
          'the first record comes back even when larger than the bound',
        );
        assert.equal(large[0]!.value.byteLength, 40 * 1024);
        const beforeLarge = await bus.read(topic, 0, 3, 100, { maxBytes: 30 * 1024 });
        assert.deepEqual(
          beforeLarge.map((record) => record.offset),
          [3, 4],
          'stops before a large record',
        );
        assert.deepEqual(
          (await bus.read(topic, 0, 6, 2, { maxBytes: 1024 * 1024 })).map((record) => record.offset),
          [6, 7],
          'the record bound still holds',
        );
        const all: number[] = [];
        for (let offset = 0; offset < sizes.length;) {
          const page = await bus.read(topic, 0, offset, 100, { maxBytes: 25 * 1024 });
          assert.ok(page.length > 0);
          assert.ok(
            page.length === 1 || page.reduce((sum, record) => sum + size(record), 0) <= 25 * 1024,
            'a page holds at most the bound',
          );
          all.push(...page.map((record) => record.offset));
          offset = page.at(-1)!.offset + 1;
        }
        assert.deepEqual(
          all,
          sizes.map((_, i) => i),
          'paging by bytes yields every record once, in order',
        );
        await rejectsWith(bus.read(topic, 0, 0, 1, { maxBytes: 0 }), 'INVALID_ARGUMENT');
        await rejectsWith(bus.read(topic, 0, 0, 1, { maxBytes: 1.5 }), 'INVALID_ARGUMENT');
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
}
