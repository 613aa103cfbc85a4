import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  appendFile,
  mkdir,
  mkdtemp,
  open,
  readdir,
  readFile,
  rm,
  stat,
  truncate,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { BusError, openFileLogBus, type Bus, type BusRecord } from '../src/index.ts';

const TOPIC = 'anchorpost.tx-file.accepted.v1';
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'anchorpost-bus-recovery-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('FileLogBus crash recovery', { timeout: 60_000 }, () => {
  it('drops a torn final record and garbage after it, keeps every whole record, appends at the right offset', async () => {
    await publishValues(10);
    const log = segmentPath(0);
    const size = (await stat(log)).size;
    await truncate(log, size - 7); // the 10th record loses its last 7 bytes
    await appendFile(log, randomBytes(300));

    let bus = await openFileLogBus({ dir });
    assert.equal(bus.recovery.length, 1);
    const [recovered] = bus.recovery;
    assert.ok(recovered);
    assert.equal(recovered.topic, TOPIC);
    assert.ok(recovered.truncatedBytes > 300);
    assert.deepEqual(await bus.endOffsets(TOPIC), [9]);
    assert.deepEqual(values(await bus.read(TOPIC, 0, 0, 100)), expected(9));
    assert.deepEqual(await bus.publish(TOPIC, [message('appended')]), [{ partition: 0, offset: 9 }]);
    await bus.close();

    bus = await openFileLogBus({ dir });
    assert.deepEqual(bus.recovery, []);
    assert.deepEqual(values(await bus.read(TOPIC, 0, 0, 100)), [...expected(9), 'appended']);
    await bus.close();
  });

  it('drops a tail of zeros (a crash after the file grew but before its data reached the disk)', async () => {
    await publishValues(5);
    await appendFile(segmentPath(0), Buffer.alloc(4096));
    const bus = await openFileLogBus({ dir });
    assert.equal(bus.recovery[0]?.truncatedBytes, 4096);
    assert.deepEqual(values(await bus.read(TOPIC, 0, 0, 100)), expected(5));
    await bus.close();
  });

  it('drops a checksum-valid frame that repeats an earlier offset, and a frame whose checksum fails', async () => {
    await publishValues(3);
    const log = segmentPath(0);
    const bytes = await readFile(log);
    const firstFrame = bytes.subarray(0, 8 + bytes.readUInt32BE(0));
    await appendFile(log, firstFrame); // valid CRC, but offset 0 again
    let bus = await openFileLogBus({ dir });
    assert.equal(bus.recovery[0]?.truncatedBytes, firstFrame.length);
    assert.deepEqual(await bus.endOffsets(TOPIC), [3]);
    await bus.close();

    const damaged = Buffer.from(firstFrame);
    damaged[damaged.length - 1]! ^= 0xff; // payload changed, CRC not
    await appendFile(log, damaged);
    bus = await openFileLogBus({ dir });
    assert.equal(bus.recovery[0]?.truncatedBytes, damaged.length);
    assert.deepEqual(values(await bus.read(TOPIC, 0, 0, 10)), expected(3));
    await bus.close();
  });

  it('continues after a crash right after a segment roll (an empty last segment)', async () => {
    const options = { segmentBytes: 512 };
    await publishValues(40, options);
    const logs = await segmentFiles();
    const last = join(partitionDir(), logs.at(-1)!);
    await rm(last);
    await rm(last.replace(/\.log$/, '.index'), { force: true });
    const lastBase = Number(logs.at(-1)!.slice(0, 20));
    let bus = await openFileLogBus({ dir, ...options });
    const end = (await bus.endOffsets(TOPIC))[0]!;
    assert.ok(end < 40 && end === lastBase, `end ${end}, removed segment started at ${lastBase}`);
    await bus.close();
    await writeFile(segmentPath(end), ''); // the roll had created the next segment, still empty
    bus = await openFileLogBus({ dir, ...options });
    assert.deepEqual(await bus.endOffsets(TOPIC), [end]);
    assert.deepEqual(await bus.publish(TOPIC, [message('next')]), [{ partition: 0, offset: end }]);
    assert.deepEqual(values(await bus.read(TOPIC, 0, 0, 100)), [...expected(end), 'next']);
    await bus.close();
  });

  it('recovers from a garbage index, serving reads from any offset', async () => {
    await publishValues(200, { indexIntervalBytes: 64 });
    await writeFile(segmentPath(0).replace(/\.log$/, '.index'), randomBytes(333));
    const bus = await openFileLogBus({ dir, indexIntervalBytes: 64 });
    assert.deepEqual(bus.recovery, []);
    for (const offset of [0, 1, 57, 128, 199]) {
      assert.deepEqual(values(await bus.read(TOPIC, 0, offset, 1)), [`value-${offset}`]);
    }
    await bus.close();
  });

  it('reads correctly past a sealed segment’s garbage index', async () => {
    const options = { segmentBytes: 2048, indexIntervalBytes: 64 };
    await publishValues(120, options);
    const sealed = (await segmentFiles()).slice(0, -1);
    assert.ok(sealed.length >= 2);
    for (const name of sealed)
      await writeFile(join(partitionDir(), name.replace(/\.log$/, '.index')), randomBytes(800));
    const bus = await openFileLogBus({ dir, ...options });
    for (let offset = 0; offset < 120; offset += 7) {
      assert.deepEqual(values(await bus.read(TOPIC, 0, offset, 1)), [`value-${offset}`]);
    }
    assert.deepEqual(values(await bus.read(TOPIC, 0, 0, 120)), expected(120));
    await bus.close();
  });

  it('reports damage inside the log as CORRUPT instead of skipping records', async () => {
    const options = { segmentBytes: 2048 };
    await publishValues(60, options);
    const first = join(partitionDir(), (await segmentFiles())[0]!);
    const handle = await open(first, 'r+');
    try {
      const byte = Buffer.alloc(1);
      await handle.read(byte, 0, 1, 100);
      byte[0]! ^= 0x55;
      await handle.write(byte, 0, 1, 100);
    } finally {
      await handle.close();
    }
    const bus = await openFileLogBus({ dir, ...options });
    await assert.rejects(
      bus.read(TOPIC, 0, 0, 60),
      (error: unknown) => error instanceof BusError && error.code === 'CORRUPT',
    );
    // Records past the damaged segment stay readable.
    const ends = await bus.endOffsets(TOPIC);
    assert.deepEqual(values(await bus.read(TOPIC, 0, ends[0]! - 1, 1)), ['value-59']);
    await bus.close();
  });

  it('removes a topic whose creation was cut short, and keeps committed consumer offsets', async () => {
    await publishValues(4);
    let bus = await openFileLogBus({ dir });
    const seen: BusRecord[] = [];
    const subscription = await bus.subscribe({
      groupId: 'indexer',
      topic: TOPIC,
      fromBeginning: true,
      handler: (batch) => {
        seen.push(...batch);
        return Promise.resolve();
      },
    });
    await waitFor(() => seen.length === 4);
    await subscription.close();
    await bus.close();
    const unfinished = join(dir, 'topics', '.creating-anchorpost.batch.sealed.v1-0000');
    await mkdir(join(unfinished, '0'), { recursive: true });

    bus = await openFileLogBus({ dir });
    assert.deepEqual((await readdir(join(dir, 'topics'))).sort(), [TOPIC, `${TOPIC}.dlq`]);
    assert.deepEqual(
      (await bus.lag('indexer', TOPIC)).map((partition) => partition.committedOffset),
      [4],
    );
    await bus.close();
  });
});

async function publishValues(
  count: number,
  options: { segmentBytes?: number; indexIntervalBytes?: number } = {},
): Promise<void> {
  const bus: Bus = await openFileLogBus({ dir, ...options });
  await bus.ensureTopic(TOPIC, { partitions: 1 });
  for (let i = 0; i < count; i += 10) {
    await bus.publish(
      TOPIC,
      expected(count)
        .slice(i, i + 10)
        .map((value) => message(value)),
    );
  }
  await bus.close();
}

function partitionDir(): string {
  return join(dir, 'topics', TOPIC, '0');
}

function segmentPath(base: number): string {
  return join(partitionDir(), `${String(base).padStart(20, '0')}.log`);
}

async function segmentFiles(): Promise<string[]> {
  return (await readdir(partitionDir())).filter((name) => name.endsWith('.log')).sort();
}

function message(value: string): { key: string; value: Uint8Array } {
  return { key: 'recipient', value: new TextEncoder().encode(value) };
}

function expected(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `value-${i}`);
}

function values(records: readonly BusRecord[]): string[] {
  return records.map((record) => new TextDecoder().decode(record.value));
}

async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
