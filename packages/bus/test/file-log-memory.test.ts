import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { openFileLogBus } from '../src/index.ts';

const run = promisify(execFile);
const TOPIC = 'anchorpost.tx-file.accepted.v1';
const RECORD_BYTES = 64 * 1024;
const RECORDS = 2048; // 128 MiB: two default (64 MiB) segments
const MAX_GROWTH = 32 * 1024 * 1024;
let dir: string;

describe('FileLogBus memory', { timeout: 180_000 }, () => {
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'anchorpost-bus-memory-'));
    const bus = await openFileLogBus({ dir });
    await bus.ensureTopic(TOPIC, { partitions: 1 });
    const value = new Uint8Array(RECORD_BYTES).fill(0x5a);
    for (let i = 0; i < RECORDS; i += 32) {
      await bus.publish(
        TOPIC,
        Array.from({ length: 32 }, () => ({ key: 'k', value })),
      );
    }
    await bus.close();
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads and consumes a 128 MiB log with bounded memory', { timeout: 120_000 }, async () => {
    const script = fileURLToPath(new URL('fixtures/consume-large-log.ts', import.meta.url));
    const { stdout } = await run(process.execPath, ['--expose-gc', script, dir, TOPIC], { timeout: 100_000 });
    const result = JSON.parse(stdout) as {
      end: number;
      read: number;
      readBytes: number;
      consumed: number;
      growthBytes: number;
    };
    assert.equal(result.end, RECORDS);
    assert.equal(result.read, RECORDS);
    assert.equal(result.readBytes, RECORDS * RECORD_BYTES);
    assert.equal(result.consumed, RECORDS);
    assert.ok(
      result.growthBytes < MAX_GROWTH,
      `peak memory grew by ${(result.growthBytes / 2 ** 20).toFixed(1)} MiB reading a ${(RECORDS * RECORD_BYTES) / 2 ** 20} MiB log`,
    );
    console.log(`memory: peak RSS grew ${(result.growthBytes / 2 ** 20).toFixed(1)} MiB over a 128 MiB log`);
  });
});
