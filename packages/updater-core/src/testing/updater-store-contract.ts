/**
 * The UpdaterStore contract, run against every adapter (the in-memory test double here, the
 * PostgreSQL store in the service): cursor round trip, records replaced whole, open proposals in
 * first-seen order, the deploy log appended atomically with its record, hash-chained, and the
 * outbox of its records' tx-files.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verifyDeployLog } from '../deploy-log.ts';
import type { UpdaterStore } from '../updater-store.ts';

export interface UpdaterStoreUnderTest {
  readonly store: UpdaterStore;
  close(): Promise<void>;
}

const approval = {
  manifestSha256: 'ab'.repeat(32),
  manifestCid: 'bafkreitest',
  version: '7',
  rollback: false,
};

export function updaterStoreContract(name: string, open: () => Promise<UpdaterStoreUnderTest>): void {
  describe(`UpdaterStore contract: ${name}`, () => {
    const withStore = (test: (store: UpdaterStore) => Promise<void>) => async () => {
      const subject = await open();
      try {
        await test(subject.store);
      } finally {
        await subject.close();
      }
    };

    it(
      'keeps the cursor',
      withStore(async (store) => {
        assert.equal(await store.cursor(), undefined);
        await store.saveCursor({ block: 12, blockHash: '0xaa' });
        await store.saveCursor({ block: 40, blockHash: '0xbb' });
        assert.deepEqual(await store.cursor(), { block: 40, blockHash: '0xbb' });
      }),
    );

    it(
      'replaces a proposal record whole and lists the open ones in first-seen order',
      withStore(async (store) => {
        await store.save({ proposalId: '2', phase: 'created', approval });
        await store.save({ proposalId: '1', phase: 'ignored' });
        await store.save({ proposalId: '3', phase: 'queued', approval, queuedBlock: 9 });
        await store.save({
          proposalId: '2',
          phase: 'approved',
          approval,
          approvedBlock: 20,
          approvedSeenAt: 1_765_000_000_000,
        });
        assert.deepEqual(await store.proposal('2'), {
          proposalId: '2',
          phase: 'approved',
          approval,
          approvedBlock: 20,
          approvedSeenAt: 1_765_000_000_000,
        });
        assert.equal(await store.proposal('9'), undefined);
        assert.deepEqual(
          (await store.openProposals()).map((r) => r.proposalId),
          ['2', '3'],
        );
      }),
    );

    it(
      'appends deploy-log records with their record, hash-chained, readable from a sequence number',
      withStore(async (store) => {
        const first = await store.save({ proposalId: '5', phase: 'reviewed', approval }, [
          { proposalId: '5', step: 'verdict', outcome: 'ok', detail: { reason: 'all checks pass' } },
        ]);
        const next = await store.save({ proposalId: '5', phase: 'committed', approval, commit: 'c0ffee' }, [
          { proposalId: '5', step: 'commit', outcome: 'ok', detail: { commit: 'c0ffee' } },
          { proposalId: '5', step: 'held', outcome: 'held', code: 'REGISTRY_PAUSED', detail: {} },
        ]);
        assert.deepEqual(
          [...first, ...next].map((e) => e.seq),
          [1, 2, 3],
        );
        const log = await store.deployLog();
        assert.deepEqual(log, [...first, ...next]);
        verifyDeployLog(log);
        assert.equal(log[1]!.prevHash, log[0]!.hash);
        assert.deepEqual(
          (await store.deployLog(2)).map((e) => e.seq),
          [3],
        );
        assert.equal((await store.proposal('5'))?.commit, 'c0ffee');
      }),
    );
    it(
      "keeps each record's tx-file as first stored, in order, until marked submitted",
      withStore(async (store) => {
        await store.save({ proposalId: '6', phase: 'reviewed', approval }, [
          { proposalId: '6', step: 'verdict', outcome: 'ok', detail: {} },
          { proposalId: '6', step: 'commit', outcome: 'ok', detail: { commit: 'c0ffee' } },
        ]);
        const file = (seq: number, cid: string) => ({
          seq,
          cid,
          bytes: new Uint8Array([seq, 1, 2]),
          stateAfter: `${seq}`.repeat(64).slice(0, 64),
          submitted: false,
        });
        assert.deepEqual(await store.deployLogTxFiles(), []);
        await store.addDeployLogTxFile(file(2, 'bafy-two'));
        await store.addDeployLogTxFile(file(1, 'bafy-one'));
        // A second file for a record (a writer that lost a race) leaves the first one in place.
        await store.addDeployLogTxFile(file(1, 'bafy-other'));
        await store.markDeployLogTxFileSubmitted(1);
        const files = await store.deployLogTxFiles();
        assert.deepEqual(
          files.map((f) => [f.seq, f.cid, f.submitted]),
          [
            [1, 'bafy-one', true],
            [2, 'bafy-two', false],
          ],
        );
        assert.deepEqual([...files[0]!.bytes], [1, 1, 2]);
        assert.equal(files[1]!.stateAfter, file(2, '').stateAfter);
        assert.deepEqual(
          (await store.deployLogTxFiles(1)).map((f) => f.seq),
          [2],
        );
      }),
    );
  });
}
