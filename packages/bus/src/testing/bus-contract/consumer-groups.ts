/**
 * Bus contract, group "consumer groups": delivery to groups: order, resumption, retries, dead
 * letters, members, lag, options.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { BusError, DeadLetterHeader, deadLetterTopic } from '@anchorpost/bus-port';
import type { DeliveryFailure, SubscribeOptions } from '@anchorpost/bus-port';
import {
  assertOffsetOrder,
  bytes,
  collector,
  expectedValues,
  groupName,
  message,
  messages,
  rejectsWith,
  text,
  topicName,
} from './fixture.ts';
import type { BusGroupContext } from './fixture.ts';

export function consumerGroupsGroup(context: BusGroupContext): void {
  const { timeout, withBus, waitFor } = context;
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
}
