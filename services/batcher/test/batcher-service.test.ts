// The batcher service over a real FileLogBus and Helia store: it seals by count and by interval,
// announces on batch.sealed, refuses (dead-letters) a receipt no trusted relay signed, reports
// metrics, and refuses bad config naming the variable. Its loop runs on a ManualClock moved one
// tick at a time, so "before the interval" is counted in ticks, not measured on a busy machine.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { openFileLogBus, type FileLogBus } from '@anchorpost/bus';
import { readLastBatchSealed, TX_FILE_ACCEPTED_DLQ_TOPIC } from '@anchorpost/batcher-core';
import { ManualClock } from '@anchorpost/batcher-core/testing';
import { TX_FILE_ACCEPTED_TOPIC, txFileAccepted } from '@anchorpost/events';
import { toHex } from '@anchorpost/protocol';
import { generateRelayKey, loadRelayKey, signReceipt, type RelayKey } from '@anchorpost/relay-core/receipts';
import { ConfigError, createLogger, loadConfig, type RunningService } from '@anchorpost/service-kit';
import { openHeliaContentStore, type HeliaContentStore } from '@anchorpost/storage';
import { batcherConfigSchema } from '../src/batcher-config.ts';
import { startBatcherService } from '../src/batcher-service.ts';

const PLATFORM = 'test-platform';
const relayKey = loadRelayKey(generateRelayKey().pkcs8Pem);
const otherRelayKey = loadRelayKey(generateRelayKey().pkcs8Pem);
const strangerKey = loadRelayKey(generateRelayKey().pkcs8Pem);

const INTERVAL_MS = 10_000;
/** The loop's check period: min(1 s, interval). */
const TICK_MS = 1_000;
const clock = new ManualClock();

/**
 * Moves the clock one tick at a time until `probe` answers, and says after how many ticks. A tick
 * is given only while the loop waits for one (its timer is set), never during a seal, so the count
 * is exact. The wall-clock deadline only stops a hung test.
 */
async function tickUntil<T>(
  what: string,
  probe: () => Promise<T | null>,
): Promise<{ value: T; ticks: number }> {
  const deadline = Date.now() + 20_000;
  for (let ticks = 0; ;) {
    const value = await probe();
    if (value !== null) return { value, ticks };
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (${ticks} ticks)`);
    if (clock.pendingTimers > 0) {
      clock.advance(TICK_MS);
      ticks += 1;
    }
    await sleep(20);
  }
}

describe('batcher service', { timeout: 60_000 }, () => {
  let dir: string;
  let bus: FileLogBus;
  let store: HeliaContentStore;
  let service: RunningService;
  let n = 0;

  async function accept(count: number, key: RelayKey = relayKey): Promise<string[]> {
    const cids: string[] = [];
    const records = [];
    for (let i = 0; i < count; i += 1, n += 1) {
      const bytes = new TextEncoder().encode(`tx-file ${n}\n`);
      const cid = await store.addFile(bytes, { pin: true });
      cids.push(cid);
      const recipientHash = (n % 3).toString(16).padStart(128, '0');
      const receipt = signReceipt(
        { version: 1, cid, recipientHash, acceptedAt: new Date().toISOString(), sequence: n },
        key,
      );
      const event = { cid, recipientHash, receipt, txFile: bytes };
      records.push({ key: txFileAccepted.key(event), value: txFileAccepted.encode(event) });
    }
    await bus.publish(TX_FILE_ACCEPTED_TOPIC, records);
    return cids;
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'anchorpost-batcher-service-'));
    bus = await openFileLogBus({ dir: join(dir, 'bus') });
    store = await openHeliaContentStore({ dir: join(dir, 'store') });
    await bus.ensureTopic(TX_FILE_ACCEPTED_TOPIC, { partitions: 2 });
    const config = loadConfig(batcherConfigSchema, {
      ANCHORPOST_BATCHER_PORT: '0',
      ANCHORPOST_BATCHER_MANAGEMENT_PORT: '0',
      ANCHORPOST_PLATFORM_ID: PLATFORM,
      ANCHORPOST_BATCH_INTERVAL: `${INTERVAL_MS}ms`,
      ANCHORPOST_BATCH_MAX_FILES: '5',
      // Two relays with keys of their own; the stranger is neither.
      ANCHORPOST_BATCHER_RELAY_PUBLIC_KEYS: [otherRelayKey, relayKey]
        .map((k) => toHex(k.publicKeyRaw))
        .join(','),
      ANCHORPOST_BATCHER_PIN_TIMEOUT: '5s',
    });
    service = await startBatcherService({
      config,
      bus,
      store,
      logger: createLogger('batcher', { destination: { write: () => undefined } }),
      handleSignals: false,
      clock,
    });
  });
  after(async () => {
    await service.close();
    await bus.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('seals as soon as N files wait, then the rest when the interval passes', async () => {
    await accept(5);
    const first = await tickUntil('a full batch', () => readLastBatchSealed(bus, PLATFORM));
    assert.equal(first.value.count, 5);
    assert.ok(first.ticks * TICK_MS < INTERVAL_MS, `a full batch waited ${first.ticks} ticks`);
    await accept(2);
    const second = await tickUntil('the interval batch', async () => {
      const last = await readLastBatchSealed(bus, PLATFORM);
      return last !== null && last.sequence > first.value.sequence ? last : null;
    });
    assert.equal(second.value.count, 2);
    assert.ok(second.ticks * TICK_MS >= INTERVAL_MS, `2 of 5 files sealed after ${second.ticks} ticks`);
    assert.equal(second.value.previousCid, first.value.batchCid, 'batches are hash-chained');
    assert.ok(await store.isPinned(second.value.batchCid), 'the batch-file is stored and pinned');
  });

  it("dead-letters a record whose receipt a stranger's key signed, and seals the others", async () => {
    const [forged] = await accept(1, strangerKey);
    const good = await accept(4);
    const { value: sealed } = await tickUntil('the batch after the forged record', async () => {
      const last = await readLastBatchSealed(bus, PLATFORM);
      return last !== null && last.sequence === 2 ? last : null;
    });
    assert.equal(sealed.count, good.length);
    const letters = [];
    for (const [partition, end] of (await bus.endOffsets(TX_FILE_ACCEPTED_DLQ_TOPIC)).entries())
      if (end > 0) letters.push(...(await bus.read(TX_FILE_ACCEPTED_DLQ_TOPIC, partition, 0, end)));
    assert.deepEqual(
      letters.map((letter) => [
        txFileAccepted.decode(letter.value).cid,
        letter.headers['anchorpost-dlq-error-code'],
      ]),
      [[forged, 'UNKNOWN_RELAY_KEY']],
    );
  });

  it('counts what it sealed and refused in /metrics', async () => {
    const text = await (await fetch(`${service.urls.management!}/metrics`)).text();
    assert.match(text, /^anchorpost_batcher_batches_sealed_total 3$/m);
    assert.match(text, /^anchorpost_batcher_tx_files_sealed_total 11$/m);
    assert.match(text, /^anchorpost_batcher_records_refused_total\{reason="UNKNOWN_RELAY_KEY"\} 1$/m);
    assert.equal((await fetch(`${service.urls.http!}/healthz`)).status, 200);
  });

  it('refuses bad config naming the variable', () => {
    assert.throws(
      () => loadConfig(batcherConfigSchema, { ANCHORPOST_BATCH_INTERVAL: 'soon' }),
      (error: unknown) => error instanceof ConfigError && error.key === 'ANCHORPOST_BATCH_INTERVAL',
    );
    assert.throws(
      () => loadConfig(batcherConfigSchema, { ANCHORPOST_BATCH_MAX_FILES: '0' }),
      (error: unknown) => error instanceof ConfigError && error.key === 'ANCHORPOST_BATCH_MAX_FILES',
    );
    // No relay key, or one that is not 64 hex characters: no default key is ever trusted.
    for (const keys of [undefined, 'abc', `${toHex(relayKey.publicKeyRaw)};${toHex(relayKey.publicKeyRaw)}`])
      assert.throws(
        () => loadConfig(batcherConfigSchema, { ANCHORPOST_BATCHER_RELAY_PUBLIC_KEYS: keys }),
        (error: unknown) =>
          error instanceof ConfigError && error.key === 'ANCHORPOST_BATCHER_RELAY_PUBLIC_KEYS',
      );
    assert.throws(
      () =>
        loadConfig(batcherConfigSchema, {
          ANCHORPOST_BATCHER_RELAY_PUBLIC_KEYS: toHex(relayKey.publicKeyRaw),
          ANCHORPOST_BATCHER_PIN_TIMEOUT: 'never',
        }),
      (error: unknown) => error instanceof ConfigError && error.key === 'ANCHORPOST_BATCHER_PIN_TIMEOUT',
    );
  });
});
