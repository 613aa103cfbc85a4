// The relay's bus topic as Kafka's own tools read it: the relay (src/main.ts, in its own process,
// on a real Kafka broker) accepts a tx-file, and kcat (librdkafka) finds the record it published on
// `anchorpost.tx-file.accepted.v1` with the key, header and value packages/events/README.md
// describes. Needs ANCHORPOST_TEST_KAFKA_BROKERS and kcat (scripts/install-kcat.sh); skips without.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TX_FILE_ACCEPTED_TOPIC, txFileAccepted } from '@anchorpost/events';
import { cidForBytes, toBase64 } from '@anchorpost/protocol';
import { CID_HEADER } from '@anchorpost/relay-core';
import { BigTxFiles, startRelayProcess, type RelayProcess } from './relay-main-process.ts';
import { runTool, standardToolForTests } from './standard-tool.ts';

const brokers = process.env.ANCHORPOST_TEST_KAFKA_BROKERS ?? '';
if (brokers === '' && process.env.ANCHORPOST_REQUIRE_KAFKA === '1') {
  throw new Error('ANCHORPOST_TEST_KAFKA_BROKERS is not set; required because ANCHORPOST_REQUIRE_KAFKA=1');
}
const kcat = await standardToolForTests('kcat', 'ANCHORPOST_KCAT_BIN', 'scripts/install-kcat.sh');

/** kcat's JSON envelope (-J) of one record. */
interface KcatRecord {
  topic: string;
  partition: number;
  offset: number;
  key: string;
  payload: string;
  headers?: string[];
}

if ('skip' in kcat || brokers === '') {
  const why =
    'skip' in kcat
      ? kcat.skip
      : 'ANCHORPOST_TEST_KAFKA_BROKERS is not set (scripts/start-kafka.sh DIR PORT prints one)';
  it('kcat reads what the relay published on Kafka', { skip: why }, () => undefined);
} else {
  const bin = kcat.bin;
  describe('kcat reads what the relay published on Kafka', { timeout: 180_000 }, () => {
    let dir: string;
    let relay: RelayProcess | undefined;
    let files: BigTxFiles;

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'anchorpost-relay-kcat-'));
      files = await BigTxFiles.create(64);
      relay = await startRelayProcess(dir, files.app, { ANCHORPOST_KAFKA_BROKERS: brokers });
    });
    after(async () => {
      await relay?.stop();
      await rm(dir, { recursive: true, force: true });
    });

    it('finds the record by its key and cid header, its value the documented event', async () => {
      assert.ok(relay !== undefined);
      const bytes = files.next(0);
      const response = await fetch(`${relay.http}/v1/tx-files`, {
        method: 'POST',
        headers: { 'content-type': 'application/yaml', authorization: `Bearer ${relay.apiKey}` },
        body: bytes,
      });
      assert.equal(response.status, 201);
      const { receipt } = (await response.json()) as { receipt: { cid: string; recipientHash: string } };
      assert.equal(receipt.cid, await cidForBytes(bytes));

      // The last few records of every partition (other tests may share the broker and the topic),
      // as kcat's JSON envelopes, without consumer group: a plain reader, as an operator would run it.
      const read = await runTool(bin, [
        '-C',
        '-b',
        brokers,
        '-t',
        TX_FILE_ACCEPTED_TOPIC,
        '-o',
        '-5',
        '-e',
        '-q',
        '-J',
      ]);
      assert.equal(read.status, 0, read.stderr);
      const ours = read.stdout
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as KcatRecord)
        .filter((record) => record.key === receipt.recipientHash);
      assert.equal(ours.length, 1, `records keyed ${receipt.recipientHash}: ${ours.length}`);
      const [record] = ours as [KcatRecord];
      // Headers come as [name, value, name, value, …].
      assert.deepEqual(record.headers, [CID_HEADER, receipt.cid]);
      const value = JSON.parse(record.payload) as Record<string, unknown>;
      assert.deepEqual(Object.keys(value).sort(), ['cid', 'receipt', 'recipientHash', 'txFile']);
      assert.deepEqual(value.receipt, receipt);
      assert.equal(value.cid, receipt.cid);
      assert.equal(value.txFile, toBase64(bytes));
      // And the events codec, which the batcher and delivery use, reads the same bytes.
      const event = txFileAccepted.decode(new TextEncoder().encode(record.payload));
      assert.deepEqual(event.txFile, bytes);
    });
  });
}
