import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { openFileLogBus, type BusMessage, type BusRecord, type FileLogBus } from '../src/index.ts';

const TOPIC = 'anchorpost.tx-file.accepted.v1';
let dir: string;
let bus: FileLogBus;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'anchorpost-bus-consumers-'));
  bus = await openFileLogBus({ dir });
});
afterEach(async () => {
  await bus.close();
  await rm(dir, { recursive: true, force: true });
});

describe('FileLogBus consumer groups', { timeout: 60_000 }, () => {
  it('a stuck subscriber holds up neither publishers nor other groups, and buffers nothing', async () => {
    await bus.ensureTopic(TOPIC, { partitions: 1 });
    const release = Promise.withResolvers<undefined>();
    let stuckCalls = 0;
    let stuckRecords = 0;
    const stuck = await bus.subscribe({
      groupId: 'stuck',
      topic: TOPIC,
      maxBatchRecords: 10,
      handler: async (batch) => {
        stuckCalls += 1;
        stuckRecords += batch.length;
        await release.promise;
      },
    });
    let fastRecords = 0;
    const fast = await bus.subscribe({
      groupId: 'fast',
      topic: TOPIC,
      handler: (batch) => {
        fastRecords += batch.length;
        return Promise.resolve();
      },
    });
    for (let i = 0; i < 10; i++) await bus.publish(TOPIC, messages(100, 1024));
    await waitFor(() => fastRecords === 1000);
    assert.equal(stuckCalls, 1, 'the stuck member got one batch and nothing queued behind it');
    assert.ok(stuckRecords <= 10);
    assert.equal((await bus.lag('stuck', TOPIC))[0]?.lag, 1000);

    release.resolve(undefined);
    await waitFor(() => stuckRecords === 1000);
    await Promise.all([stuck.close(), fast.close()]);
  });

  it('hands a leaving member’s partitions to the others, never two members on one partition at once', async () => {
    await bus.ensureTopic(TOPIC, { partitions: 4 });
    const busy = new Set<number>();
    const delivered: BusRecord[] = [];
    let overlaps = 0;
    const member = (name: string, seen: Set<string>) => async (batch: readonly BusRecord[]) => {
      const partition = batch[0]!.partition;
      if (busy.has(partition)) overlaps += 1;
      busy.add(partition);
      await new Promise((resolve) => setTimeout(resolve, 1));
      busy.delete(partition);
      seen.add(`${name}:${partition}`);
      delivered.push(...batch);
    };
    const seenA = new Set<string>();
    const seenB = new Set<string>();
    const a = await bus.subscribe({
      groupId: 'indexer',
      topic: TOPIC,
      maxBatchRecords: 5,
      concurrency: 4,
      handler: member('a', seenA),
    });
    const b = await bus.subscribe({
      groupId: 'indexer',
      topic: TOPIC,
      maxBatchRecords: 5,
      concurrency: 4,
      handler: member('b', seenB),
    });
    for (let i = 0; i < 10; i++) await bus.publish(TOPIC, messages(20, 64, `round-${i}`));
    await waitFor(() => delivered.length >= 100);
    await a.close();
    for (let i = 10; i < 20; i++) await bus.publish(TOPIC, messages(20, 64, `round-${i}`));
    await waitFor(
      () => new Set(delivered.map((record) => `${record.partition}:${record.offset}`)).size === 400,
    );
    assert.equal(overlaps, 0);
    assert.equal(delivered.length, 400, 'nothing delivered twice without a failure');
    assert.ok(seenA.size > 0 && seenB.size > 0, 'both members took part');
    assert.equal(seenB.size, 4, 'the remaining member took over every partition');
    await b.close();
  });

  it('runs one handler call at a time by default, up to `concurrency` otherwise', async () => {
    await bus.ensureTopic(TOPIC, { partitions: 4 });
    await bus.publish(TOPIC, messages(400, 16));
    const peak = async (concurrency: number | undefined, groupId: string): Promise<number> => {
      let running = 0;
      let highest = 0;
      let records = 0;
      const subscription = await bus.subscribe({
        groupId,
        topic: TOPIC,
        fromBeginning: true,
        maxBatchRecords: 10,
        ...(concurrency === undefined ? {} : { concurrency }),
        handler: async (batch) => {
          running += 1;
          highest = Math.max(highest, running);
          await new Promise((resolve) => setTimeout(resolve, 2));
          running -= 1;
          records += batch.length;
        },
      });
      await waitFor(() => records === 400);
      await subscription.close();
      return highest;
    };
    assert.equal(await peak(undefined, 'one-at-a-time'), 1);
    const parallel = await peak(4, 'four-at-a-time');
    assert.ok(parallel > 1 && parallel <= 4, `peak ${parallel}`);
  });

  it('close waits for the handler in flight and commits its batch', async () => {
    await bus.ensureTopic(TOPIC, { partitions: 1 });
    await bus.publish(TOPIC, messages(3, 16));
    const started = Promise.withResolvers<undefined>();
    let finished = false;
    const subscription = await bus.subscribe({
      groupId: 'slow',
      topic: TOPIC,
      fromBeginning: true,
      handler: async () => {
        started.resolve(undefined);
        await new Promise((resolve) => setTimeout(resolve, 100));
        finished = true;
      },
    });
    await started.promise;
    await subscription.close();
    assert.equal(finished, true);
    assert.equal((await bus.lag('slow', TOPIC))[0]?.committedOffset, 3);
  });

  it('closes cleanly while a subscription is starting', { timeout: 10_000 }, async () => {
    await bus.ensureTopic(TOPIC, { partitions: 2 });
    const subscribing = bus.subscribe({
      groupId: 'late',
      topic: TOPIC,
      deadLetter: false,
      handler: () => Promise.resolve(),
    });
    const closing = bus.close();
    const outcome = await subscribing.then(
      () => 'subscribed',
      (error: unknown) => (error instanceof Error ? error.message : 'error'),
    );
    await closing;
    assert.match(outcome, /closing|closed|subscribed/);
  });

  it('closing the bus cuts a retry backoff short and commits nothing for the failing record', async () => {
    await bus.ensureTopic(TOPIC, { partitions: 1 });
    await bus.publish(TOPIC, messages(1, 16));
    let attempts = 0;
    await bus.subscribe({
      groupId: 'failing',
      topic: TOPIC,
      fromBeginning: true,
      retry: { maxAttempts: 100, initialBackoffMs: 60_000, maxBackoffMs: 60_000 },
      handler: () => {
        attempts += 1;
        return Promise.reject(new Error('not yet'));
      },
    });
    await waitFor(() => attempts === 1);
    const startedAt = Date.now();
    await bus.close();
    assert.ok(Date.now() - startedAt < 5_000, 'close did not wait for the backoff');
    bus = await openFileLogBus({ dir });
    assert.equal((await bus.lag('failing', TOPIC))[0]?.committedOffset, 0);
  });
});

function messages(count: number, valueBytes: number, prefix = 'm'): BusMessage[] {
  return Array.from({ length: count }, (_, i) => ({
    key: `${prefix}-key-${i}`,
    value: new Uint8Array(valueBytes).fill(i % 256),
  }));
}

async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
