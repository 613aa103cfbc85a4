/**
 * KafkaBus against a broker that stops and comes back (its own broker, started with
 * scripts/start-kafka.sh on a random port): publish is UNAVAILABLE (retryable) while it is down,
 * the consumer reports its lost brokers to onFailure, and after the restart both go on without
 * losing a record. Runs where the other Kafka tests run (ANCHORPOST_TEST_KAFKA_BROKERS set).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { BusError, openKafkaBus, type DeliveryFailure, type KafkaBus } from '../src/index.ts';
import { withoutKafka } from './fixtures/kafka-broker.ts';

const run = promisify(execFile);
const startKafka = fileURLToPath(new URL('../../../scripts/start-kafka.sh', import.meta.url));
const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function waitFor(what: string, condition: () => boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(50);
  }
}

void it('KafkaBus rides out a broker restart', { timeout: 180_000 }, async (t) => {
  if (withoutKafka(t)) return;
  const dir = await mkdtemp(join(tmpdir(), 'anchorpost-kafka-restart-'));
  const port = String(20_000 + 2 * randomInt(5_000));
  const opened: { bus?: KafkaBus } = {};
  t.after(async () => {
    await opened.bus?.close();
    await run(startKafka, ['stop', dir]);
    await rm(dir, { recursive: true, force: true });
  });
  const start = async (): Promise<string> => (await run(startKafka, [dir, port])).stdout.trim();
  const began = Date.now();
  const mark = (what: string): void => {
    t.diagnostic(`${what} at ${Date.now() - began} ms`);
  };
  const bootstrap = await start();
  mark('broker started');

  const bus = await openKafkaBus({ brokers: [bootstrap], retries: 1, connectionTimeoutMs: 1000 });
  opened.bus = bus;
  const topic = `anchorpost.kafka-${randomBytes(5).toString('hex')}.restart.v1`;
  await bus.ensureTopic(topic, { partitions: 2 });
  const message = (value: string): { key: string; value: Uint8Array } => ({
    key: value,
    value: encoder.encode(value),
  });
  await bus.publish(topic, ['a', 'b', 'c', 'd'].map(message));
  const seen: string[] = [];
  const failures: DeliveryFailure[] = [];
  await bus.subscribe({
    groupId: `restart-${randomBytes(6).toString('hex')}`,
    topic,
    fromBeginning: true,
    onFailure: (failure) => failures.push(failure),
    handler: (batch) => {
      seen.push(...batch.map((record) => decoder.decode(record.value)));
      return Promise.resolve();
    },
  });
  await waitFor('the first 4 records', () => seen.length >= 4);

  mark('first records consumed');
  await run(startKafka, ['stop', dir]);
  mark('broker stopped');
  await assert.rejects(bus.publish(topic, [message('while-down')]), (error: unknown) => {
    assert.ok(error instanceof BusError, String(error));
    assert.equal(error.code, 'UNAVAILABLE', error.message);
    assert.equal(error.retryable, true);
    return true;
  });
  await waitFor('the consumer to report its lost broker', () =>
    failures.some((failure) => failure.stage === 'read'),
  );

  mark('consumer reported the lost broker');
  assert.equal(await start(), bootstrap);
  mark('broker restarted');
  // A caller retries UNAVAILABLE; the bus reconnects by itself.
  for (let attempt = 1; ; attempt++) {
    try {
      await bus.publish(topic, ['e', 'f', 'g'].map(message));
      break;
    } catch (error) {
      if (!(error instanceof BusError && error.retryable) || attempt >= 20) throw error;
      await sleep(500);
    }
  }
  mark('published after the restart');
  await waitFor('the records published after the restart', () => seen.length >= 7);
  mark('consumed after the restart');
  await sleep(200);
  assert.deepEqual([...new Set(seen)].sort(), ['a', 'b', 'c', 'd', 'e', 'f', 'g']);
  assert.equal(seen.length, 7, 'nothing delivered twice (everything was committed before the stop)');
});
