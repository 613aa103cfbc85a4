/**
 * The deploy log's records as tx-files through the relay: each record one file that opens, with
 * the group's keys, to that record's JSON; the files' state chained in record order; a file the
 * relay did not take is sent again as the same bytes (never rebuilt, which would fork the state
 * chain); and a receipt for other bytes is refused.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cidForBytes, GENESIS_STATE, parseTxFile, openTxFile } from '@anchorpost/protocol';
import { canonicalJson } from '@anchorpost/release';
import { anchorDeployLog, DEPLOY_LOG_HEADER } from '../src/deploy-log-anchoring.ts';
import { OutboxError } from '@anchorpost/relay-core';
import {
  deployLogWriterForTests,
  MemoryUpdaterStoreTestDouble,
  TxFileRelayTestDouble,
} from '../src/testing/index.ts';

async function fixture() {
  const { keys, client, writer } = await deployLogWriterForTests();
  const store = new MemoryUpdaterStoreTestDouble();
  const approval = {
    manifestSha256: 'ab'.repeat(32),
    manifestCid: 'bafkreitest',
    version: '1',
    rollback: false,
  };
  await store.save({ proposalId: '7', phase: 'reviewed', approval }, [
    { proposalId: '7', step: 'verdict', outcome: 'ok', detail: { reason: 'all checks pass' } },
  ]);
  await store.save({ proposalId: '7', phase: 'committed', approval, commit: 'c0ffee' }, [
    { proposalId: '7', step: 'commit', outcome: 'ok', detail: { commit: 'c0ffee' } },
  ]);
  return { keys, client, writer, store, relay: new TxFileRelayTestDouble() };
}

describe('anchorDeployLog', () => {
  it('sends one tx-file per record, each opening to the record, their state chained in order', async () => {
    const { keys, client, writer, store, relay } = await fixture();
    assert.equal(await anchorDeployLog(store, writer, relay), 2);
    const log = await store.deployLog();
    const files = relay.received.map((bytes) => parseTxFile(bytes));
    assert.equal(files[0]!.state.before, GENESIS_STATE);
    assert.equal(files[1]!.state.before, files[0]!.state.after);
    for (const [i, tx] of files.entries()) {
      const opened = openTxFile(tx, { group: keys, clientKey: () => client.public });
      assert.equal(new TextDecoder().decode(opened.message.header), DEPLOY_LOG_HEADER);
      assert.equal(new TextDecoder().decode(opened.message.data), canonicalJson(log[i]));
    }
    const stored = await store.deployLogTxFiles();
    assert.deepEqual(
      stored.map((f) => f.submitted),
      [true, true],
    );
    assert.equal(stored[1]!.cid, await cidForBytes(relay.received[1]!));
    // Nothing new: nothing sent.
    assert.equal(await anchorDeployLog(store, writer, relay), 0);
  });

  it('sends a file the relay did not take again as the same bytes, and the next record after it', async () => {
    const { writer, store, relay } = await fixture();
    relay.failing = true;
    await assert.rejects(anchorDeployLog(store, writer, relay), (e: unknown) => (e as OutboxError).retryable);
    const built = await store.deployLogTxFiles();
    assert.equal(built.length, 2);
    await store.save({ proposalId: '7', phase: 'done', commit: 'c0ffee' }, [
      { proposalId: '7', step: 'sync', outcome: 'ok', detail: { commit: 'c0ffee' } },
    ]);
    relay.failing = false;
    assert.equal(await anchorDeployLog(store, writer, relay), 3);
    assert.deepEqual(
      relay.received.slice(0, 2),
      built.map((f) => f.bytes),
    );
    const third = parseTxFile(relay.received[2]!);
    assert.equal(third.state.before, built[1]!.stateAfter);
  });

  it('refuses a receipt for other bytes (RELAY_RECEIPT_MISMATCH) and keeps the file to send again', async () => {
    const { writer, store, relay } = await fixture();
    relay.answer = 'bafkreiotherbytes';
    await assert.rejects(
      anchorDeployLog(store, writer, relay),
      (e: unknown) => e instanceof OutboxError && e.code === 'RELAY_RECEIPT_MISMATCH',
    );
    assert.deepEqual(
      (await store.deployLogTxFiles()).map((f) => f.submitted),
      [false, false],
    );
  });
});
