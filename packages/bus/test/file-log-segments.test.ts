import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { openFileLogBus, type BusRecord } from '../src/index.ts';

const TOPIC = 'anchorpost.batch.sealed.v1';
const OPTIONS = { segmentBytes: 1024, indexIntervalBytes: 100 };
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'anchorpost-bus-segments-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('FileLogBus segments', { timeout: 60_000 }, () => {
  it('rolls to a new segment named by its first offset when one is full', async () => {
    let bus = await openFileLogBus({ dir, ...OPTIONS });
    await bus.ensureTopic(TOPIC, { partitions: 1 });
    const sent: string[] = [];
    for (let call = 0; call < 30; call++) {
      const batch = Array.from(
        { length: 10 },
        (_, i) => `record-${call * 10 + i}-${'x'.repeat((call * 7 + i * 13) % 90)}`,
      );
      sent.push(...batch);
      await bus.publish(
        TOPIC,
        batch.map((value) => ({ key: 'k', value: new TextEncoder().encode(value) })),
      );
    }

    const partition = join(dir, 'topics', TOPIC, '0');
    const logs = (await readdir(partition)).filter((name) => name.endsWith('.log')).sort();
    assert.ok(logs.length > 10, `expected many segments, got ${logs.length}`);
    const bases = logs.map((name) => Number(name.slice(0, 20)));
    assert.equal(bases[0], 0);
    for (const [i, name] of logs.entries()) {
      assert.match(name, /^\d{20}\.log$/);
      const bytes = await readFile(join(partition, name));
      assert.ok(bytes.length <= OPTIONS.segmentBytes, `${name} is ${bytes.length} bytes`);
      // The first record of each segment carries the segment's base offset.
      if (i > 0) assert.equal(bytes.readUInt32BE(8 + 1) * 2 ** 32 + bytes.readUInt32BE(8 + 5), bases[i]);
    }

    const check = async (): Promise<void> => {
      assert.deepEqual(values(await bus.read(TOPIC, 0, 0, 1000)), sent);
      for (let offset = 0; offset < sent.length; offset += 13) {
        assert.deepEqual(values(await bus.read(TOPIC, 0, offset, 5)), sent.slice(offset, offset + 5));
      }
    };
    await check();
    await bus.close();
    bus = await openFileLogBus({ dir, ...OPTIONS });
    await check();
    const [next] = await bus.publish(TOPIC, [{ key: 'k', value: new TextEncoder().encode('after reopen') }]);
    assert.equal(next?.offset, sent.length);
    await bus.close();
  });

  it('gives a record larger than a segment a segment of its own', async () => {
    const bus = await openFileLogBus({ dir, ...OPTIONS });
    await bus.ensureTopic(TOPIC, { partitions: 1 });
    const big = new Uint8Array(5000).fill(7);
    await bus.publish(TOPIC, [
      { key: 'k', value: new Uint8Array([1]) },
      { key: 'k', value: big },
      { key: 'k', value: new Uint8Array([2]) },
    ]);
    const records = await bus.read(TOPIC, 0, 0, 10);
    assert.deepEqual(
      records.map((record) => record.value.length),
      [1, 5000, 1],
    );
    assert.deepEqual(records[1]?.value, big);
    const logs = (await readdir(join(dir, 'topics', TOPIC, '0'))).filter((name) => name.endsWith('.log'));
    assert.equal(logs.length, 3);
    await bus.close();
  });

  it('delivers to a subscriber across segment boundaries in order', async () => {
    const bus = await openFileLogBus({ dir, ...OPTIONS });
    await bus.ensureTopic(TOPIC, { partitions: 1 });
    const seen: BusRecord[] = [];
    const subscription = await bus.subscribe({
      groupId: 'sealer',
      topic: TOPIC,
      maxBatchRecords: 7,
      handler: (batch) => {
        seen.push(...batch);
        return Promise.resolve();
      },
    });
    for (let i = 0; i < 200; i += 20) {
      await bus.publish(
        TOPIC,
        Array.from({ length: 20 }, (_, j) => ({
          key: 'k',
          value: new TextEncoder().encode(`v${i + j}-${'y'.repeat(40)}`),
        })),
      );
    }
    const deadline = Date.now() + 5000;
    while (seen.length < 200 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.deepEqual(
      seen.map((record) => record.offset),
      Array.from({ length: 200 }, (_, i) => i),
    );
    await subscription.close();
    await bus.close();
  });
});

function values(records: readonly BusRecord[]): string[] {
  return records.map((record) => new TextDecoder().decode(record.value));
}
