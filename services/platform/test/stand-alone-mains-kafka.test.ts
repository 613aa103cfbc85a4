// The relay and the batcher as two processes on shared infrastructure: Kafka for the bus (a
// file-log bus directory has one owner process) and Kubo for storage (the batcher links the
// tx-files the relay stored). A tx-file the relay accepts is sealed into a batch by the batcher.
// Runs when ANCHORPOST_TEST_KAFKA_BROKERS names a broker (scripts/start-kafka.sh prints one) that
// holds no earlier accepted tx-files (their files would not be in this test's Kubo), and a Kubo
// binary is installed (scripts/install-kubo.sh).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openKafkaBus } from '@anchorpost/bus';
import { TX_FILE_ACCEPTED_TOPIC } from '@anchorpost/events';
import { kuboBinaryForTests, startKuboDaemon, type KuboDaemon } from '@anchorpost/storage/testing';
import { relayFiles, relayReady, running, startMain, stop, submit } from './main-process.ts';

const brokers = process.env['ANCHORPOST_TEST_KAFKA_BROKERS'] ?? '';

/** Why this test cannot run here, if it cannot. */
async function whySkip(): Promise<string | undefined> {
  if (brokers === '') return 'ANCHORPOST_TEST_KAFKA_BROKERS is not set (scripts/start-kafka.sh prints one)';
  const kubo = kuboBinaryForTests();
  if ('skip' in kubo) return kubo.skip;
  const bus = await openKafkaBus({ brokers: brokers.split(',') });
  try {
    const ends = await bus.endOffsets(TX_FILE_ACCEPTED_TOPIC).catch(() => []);
    if (ends.some((end) => end > 0)) return `the broker already holds ${TX_FILE_ACCEPTED_TOPIC} records`;
  } finally {
    await bus.close();
  }
  return undefined;
}

describe('stand-alone service mains on Kafka and Kubo', { timeout: 120_000 }, async () => {
  const skip = await whySkip();
  let dir: string;
  let kubo: KuboDaemon | undefined;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'anchorpost-mains-kafka-'));
  });
  after(async () => {
    for (const child of running) child.kill('SIGKILL');
    await kubo?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it(
    'relay → Kafka → batcher: the accepted tx-file is sealed into a batch',
    skip ? { skip } : {},
    async () => {
      kubo = await startKuboDaemon();
      const shared = {
        ANCHORPOST_KAFKA_BROKERS: brokers,
        ANCHORPOST_STORAGE: 'kubo',
        ANCHORPOST_KUBO_URL: kubo.url,
      };
      const files = await relayFiles(join(dir, 'files'));
      const relay = startMain('relay', {
        ...shared,
        ANCHORPOST_DATA_DIR: join(dir, 'relay'),
        ...files.settings,
      });
      const http = (await relay.log(relayReady))['http'] as string;
      const batcher = startMain('batcher', {
        ...shared,
        ANCHORPOST_DATA_DIR: join(dir, 'batcher'),
        ANCHORPOST_BATCHER_PORT: '0',
        ANCHORPOST_BATCHER_MANAGEMENT_PORT: '0',
        ANCHORPOST_BATCH_INTERVAL: '500ms',
        ANCHORPOST_BATCHER_RELAY_PUBLIC_KEYS: files.relayPublicKey,
      });
      await batcher.log((line) => line['msg'] === 'batcher listening');
      await submit(http, await files.txFile());
      const sealed = await batcher.log((line) => line['msg'] === 'batch sealed');
      assert.equal(sealed['count'], 1);
      assert.equal(await stop(batcher), 0);
      assert.equal(await stop(relay), 0);
    },
  );
});
