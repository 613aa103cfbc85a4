/**
 * Database contract, group "durability": the rows survive a restart, and a truncated index
 * re-indexed in another order is identical. Each test seeds its own index (`seedIndex`) on an
 * empty database of its own.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Database } from '../../create-database.ts';
import { createDatabase } from '../../create-database.ts';
import { migrate } from '../../migrations/migrate.ts';
import {
  fixtureAnchor,
  fixtureBatch,
  fixtureCid,
  fixtureEntries,
  fixtureHash,
  fixtureTxFile,
} from '../fixtures.ts';
import { databaseFixture } from './fixture.ts';
import type { DatabaseFactory } from './fixture.ts';

const SEEDED_ENTRIES = 2_000;

/** A bit of every index table: two batches (one of them large), anchors on both chains, tx-files, cursors. */
async function seedIndex(db: Database): Promise<void> {
  const large = fixtureBatch('durable', 0, SEEDED_ENTRIES);
  const small = fixtureBatch('durable', 1, 3);
  await db.index.recordBatch(large, fixtureEntries('durable/large', SEEDED_ENTRIES));
  await db.index.recordBatch(small, fixtureEntries('durable/small', 3));
  await db.index.recordAnchor(fixtureAnchor(large, 'evm', '31337', 5));
  await db.index.recordAnchor(fixtureAnchor(large, 'ergo', 'testnet', 900));
  await db.index.recordAnchor(fixtureAnchor(small, 'evm', '31337', 6));
  await db.index.recordTxFiles(
    [0, 1, 2].map((batchIndex) =>
      fixtureTxFile(
        fixtureCid(`durable/tx/${batchIndex}`),
        { batchSequence: 1, batchIndex },
        fixtureHash('durable'),
      ),
    ),
  );
  await db.index.saveChainCursor({
    chain: 'evm',
    chainId: '31337',
    lastBlock: 6,
    lastBlockHash: 'c'.repeat(64),
  });
  await db.index.saveChainCursor({
    chain: 'ergo',
    chainId: 'testnet',
    lastBlock: 900,
    lastBlockHash: 'd'.repeat(64),
  });
}

export function durabilityGroup(factory: DatabaseFactory): void {
  describe('durability', () => {
    const fresh = databaseFixture(factory);

    it('keeps every row across a restart', async () => {
      const open = await fresh();
      await seedIndex(open.db);
      const before = await open.db.index.dumpAll();
      assert.equal(before.batchEntries.length, SEEDED_ENTRIES + 3);
      await open.db.close();
      await open.target.restart();
      open.db = createDatabase({ databaseUrl: open.target.databaseUrl, poolSize: open.target.poolSize });
      assert.deepEqual(await open.db.index.dumpAll(), before);
      assert.deepEqual((await migrate(open.target.databaseUrl)).applied, []);
    });

    it('rebuilds to an identical index after truncateAll', async () => {
      const { db } = await fresh();
      await seedIndex(db);
      const original = await db.index.dumpAll();
      await db.index.truncateAll();
      const empty = await db.index.dumpAll();
      assert.deepEqual(empty, {
        batches: [],
        batchEntries: [],
        batchTreeNodes: [],
        txFiles: [],
        anchors: [],
        chainCursors: [],
      });

      // Re-index in another order, as a parser replaying chains might.
      for (const batch of [...original.batches].reverse()) {
        const entries = original.batchEntries
          .filter((entry) => entry.batchCid === batch.cid)
          .map((entry) => entry.txFileCid);
        await db.index.recordBatch(batch, entries);
      }
      for (const anchor of [...original.anchors].reverse()) await db.index.recordAnchor(anchor);
      await db.index.recordTxFiles([...original.txFiles].reverse());
      for (const cursor of original.chainCursors) await db.index.saveChainCursor(cursor);
      assert.deepEqual(await db.index.dumpAll(), original);
    });
  });
}
