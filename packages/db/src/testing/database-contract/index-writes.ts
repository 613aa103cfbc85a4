/**
 * Database contract, group "index writes": atomic bulk batches and the DbError codes of
 * violations. Each test on an empty database of its own.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixtureAnchor, fixtureBatch, fixtureCid, fixtureEntries } from '../fixtures.ts';
import { BULK_ENTRIES, databaseFixture, expectDbError } from './fixture.ts';
import type { DatabaseFactory } from './fixture.ts';

export function indexWritesGroup(factory: DatabaseFactory): void {
  describe('index writes', () => {
    const fresh = databaseFixture(factory);
    const platform = 'contract';

    it(`records a batch with ${BULK_ENTRIES.toLocaleString('en')} entries in one transaction`, async (t) => {
      const { db } = await fresh();
      const batch = fixtureBatch(platform, 0, BULK_ENTRIES);
      const entries = fixtureEntries('bulk', BULK_ENTRIES);
      const started = performance.now();
      await db.index.recordBatch(batch, entries);
      const seconds = (performance.now() - started) / 1000;
      t.diagnostic(`recordBatch: ${Math.round(BULK_ENTRIES / seconds)} entries/s (${seconds.toFixed(2)} s)`);

      assert.deepEqual(await db.index.getBatch(batch.cid), batch);
      assert.deepEqual(await db.index.getBatchBySequence(platform, 0), batch);
      for (const index of [0, 1, 12_345, BULK_ENTRIES - 1]) {
        const proof = await db.index.getProof(entries[index]!);
        assert.ok(proof !== null);
        assert.equal(proof.index, index);
        assert.deepEqual(proof.batch, batch);
      }
      let index = 0;
      for await (const cid of db.index.batchEntries(batch.cid, 7_000)) {
        assert.equal(cid, entries[index]);
        index += 1;
      }
      assert.equal(index, BULK_ENTRIES);
    });

    it('leaves nothing behind when the batch fails midway or its count is wrong', async () => {
      const { db } = await fresh();
      const batch = fixtureBatch(platform, 1, BULK_ENTRIES);
      const entries = fixtureEntries('atomic', BULK_ENTRIES);
      entries[15_000] = `${entries[15_000]!}\u0000`; // PostgreSQL refuses NUL in text, after 10,000 rows are in
      await expectDbError(db.index.recordBatch(batch, entries), 'INVALID_VALUE');
      assert.equal(await db.index.getBatch(batch.cid), null);
      assert.equal(await db.prisma.batchEntry.count({ where: { batchCid: batch.cid } }), 0);
      assert.equal(await db.index.getProof(entries[0]!), null);

      const short = fixtureBatch(platform, 1, 3);
      await expectDbError(db.index.recordBatch(short, fixtureEntries('short', 2)), 'INVALID_ARGUMENT');
      assert.equal(await db.index.getBatch(short.cid), null);
      assert.equal(await db.prisma.batchEntry.count({ where: { batchCid: short.cid } }), 0);
    });

    it('maps unique and foreign-key violations to DbError codes', async () => {
      const { db } = await fresh();
      const batch = fixtureBatch(platform, 2, 2);
      await db.index.recordBatch(batch, fixtureEntries('unique', 2));
      await expectDbError(db.index.recordBatch(batch, fixtureEntries('unique', 2)), 'UNIQUE_VIOLATION');
      const sameSequence = { ...batch, cid: fixtureCid('another batch, same sequence') };
      await expectDbError(
        db.index.recordBatch(sameSequence, fixtureEntries('unique', 2)),
        'UNIQUE_VIOLATION',
      );
      assert.equal(await db.index.getBatch(sameSequence.cid), null);
      const orphan = fixtureAnchor(fixtureBatch('nowhere', 0, 1), 'evm', '31337', 1);
      await expectDbError(db.index.recordAnchor(orphan), 'FOREIGN_KEY_VIOLATION');
    });
  });
}
