// The proof API's batch reads (getBatchAnchors, firstBatchOf) against the embedded PGlite.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createDatabase } from '../src/create-database.ts';
import type { Database } from '../src/create-database.ts';
import { EMBEDDED_POOL_SIZE, startEmbeddedPostgres } from '../src/embedded-postgres.ts';
import type { EmbeddedPostgres } from '../src/embedded-postgres.ts';
import { migrate } from '../src/migrations/index.ts';
import { fixtureAnchor, fixtureBatch, fixtureEntries } from '../src/testing/index.ts';

describe('batch reads on embedded PGlite', () => {
  let dataDir: string;
  let server: EmbeddedPostgres;
  let db: Database;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'anchorpost-batch-reads-'));
    server = await startEmbeddedPostgres({ dataDir });
    await migrate(server.databaseUrl);
    db = createDatabase({ databaseUrl: server.databaseUrl, poolSize: EMBEDDED_POOL_SIZE });
  });
  after(async () => {
    await db.close();
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('getBatchAnchors lists a batch anchors by chain and chain id, and none for others', async () => {
    const batch = fixtureBatch('reads', 0, 2);
    await db.index.recordBatch(batch, fixtureEntries('reads/0', 2));
    const ergo = fixtureAnchor(batch, 'ergo', 'mainnet', 7);
    const evm = fixtureAnchor(batch, 'evm', '31337', 5);
    await db.index.recordAnchor(ergo);
    await db.index.recordAnchor(evm);
    assert.deepEqual(await db.index.getBatchAnchors(batch.cid), [evm, ergo]);
    assert.deepEqual(await db.index.getBatchAnchors(fixtureBatch('reads', 9, 1).cid), []);
  });

  it('firstBatchOf names the lowest-sequence batch of each tx-file and skips unknown ones', async () => {
    const shared = fixtureEntries('reads/shared', 1)[0]!;
    const one = fixtureBatch('first-of', 1, 2);
    const two = fixtureBatch('first-of', 2, 2);
    const own = fixtureEntries('reads/own', 1)[0]!;
    // Recorded out of order: the answer follows the sequence, not the insertion.
    await db.index.recordBatch(two, [shared, own]);
    await db.index.recordBatch(one, [fixtureEntries('reads/1', 1)[0]!, shared]);
    const first = await db.index.firstBatchOf([shared, own, 'bafkunknown']);
    assert.deepEqual(
      [...first.entries()].sort(),
      [
        [own, two.cid],
        [shared, one.cid],
      ].sort(),
    );
    assert.equal((await db.index.firstBatchOf([])).size, 0);
  });
});
