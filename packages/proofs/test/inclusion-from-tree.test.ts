/**
 * The O(log n) proof read (`proofRead`, one statement, + inclusionFromTree) against the full read,
 * through the real index on embedded PGlite and, when ANCHORPOST_TEST_POSTGRES_URL names one, on
 * PostgreSQL: for batches of 1, 2, 3, 17 (odd, one run and a bit) and 1,000 entries, every leaf's
 * proof is byte-identical either way; a tampered node or entry is INDEX_INCONSISTENT.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createDatabase, migrate, startEmbeddedPostgres } from '@anchorpost/db';
import type { Database } from '@anchorpost/db';
import {
  createTestDatabase,
  fixtureBatch,
  fixtureEntries,
  testPostgresForTests,
} from '@anchorpost/db/testing';
import { MerkleTree } from '@anchorpost/protocol';
import { inclusionFromEntries } from '../src/inclusion-from-entries.ts';
import { inclusionFromTree } from '../src/inclusion-from-tree.ts';
import { ProofError } from '../src/proof-error.ts';

const SIZES = [1, 2, 3, 17, 1_000];

/** An empty migrated database and how to be rid of it. */
interface Backend {
  databaseUrl: string;
  destroy(): Promise<void>;
}

async function embedded(): Promise<Backend> {
  const dataDir = await mkdtemp(join(tmpdir(), 'anchorpost-proof-tree-'));
  const server = await startEmbeddedPostgres({ dataDir });
  return {
    databaseUrl: server.databaseUrl,
    async destroy() {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

const realPostgres = testPostgresForTests();

function treeSuite(name: string, open: () => Promise<Backend>): void {
  describe(`inclusionFromTree on ${name}`, () => {
    let backend: Backend;
    let db: Database;

    before(async () => {
      backend = await open();
      await migrate(backend.databaseUrl);
      db = createDatabase({ databaseUrl: backend.databaseUrl, poolSize: 1 });
    });

    after(async () => {
      await db.close();
      await backend.destroy();
    });

    async function indexBatch(sequence: number, size: number) {
      const entries = fixtureEntries(`tree ${size}`, size);
      const batch = {
        ...fixtureBatch('tree', sequence, size),
        merkleRoot: MerkleTree.fromCids(entries).rootHex,
      };
      await db.index.recordBatch(batch, entries);
      return { batch, entries };
    }

    async function treeProof(leaf: string) {
      const read = (await db.index.proofRead(leaf))!;
      const target = { leaf, index: read.index, treeSize: read.batch.count, root: read.batch.merkleRoot };
      return inclusionFromTree({ ...target, batchCid: read.batch.cid, treeLevel: read.treeLevel! }, read);
    }

    it('gives byte-identical proofs to the full read for every leaf of batches of 1, 2, 3, 17 and 1,000', async () => {
      for (const [sequence, size] of SIZES.entries()) {
        const { batch, entries } = await indexBatch(sequence, size);
        const merkleTree = MerkleTree.fromCids(entries);
        for (let index = 0; index < size; index += 1) {
          const target = { leaf: entries[index]!, index, treeSize: size, root: batch.merkleRoot };
          // The full read costs a pass over the batch: every leaf of the small batches, a spread of
          // a thousand's (the full read equals MerkleTree's proof: inclusion-from-entries.test.ts).
          const full =
            size < 100 || index % 37 === 0 || index === size - 1
              ? await inclusionFromEntries(db.index.batchEntries(batch.cid), target)
              : merkleTree.proof(index);
          assert.equal(
            JSON.stringify(await treeProof(entries[index]!)),
            JSON.stringify(full),
            `leaf ${index} of ${size}`,
          );
        }
      }
    });

    it('refuses a stored node or entry that contradicts the root as INDEX_INCONSISTENT', async () => {
      const { batch, entries } = await indexBatch(SIZES.length + 1, 40);
      const inconsistent = (pattern: RegExp) => (error: unknown) =>
        error instanceof ProofError && error.code === 'INDEX_INCONSISTENT' && pattern.test(error.message);
      await db.prisma.batchTreeNode.update({
        where: { batchCid_level_index: { batchCid: batch.cid, level: 4, index: 1 } },
        data: { hash: '0'.repeat(64) },
      });
      await assert.rejects(treeProof(entries[3]!), inconsistent(/recorded root/));
      await db.prisma.batchTreeNode.delete({
        where: { batchCid_level_index: { batchCid: batch.cid, level: 4, index: 1 } },
      });
      await assert.rejects(treeProof(entries[3]!), inconsistent(/not stored/));
      const read = (await db.index.proofRead(entries[3]!))!;
      const target = { leaf: entries[4]!, index: 3, treeSize: 40, root: batch.merkleRoot };
      assert.throws(
        () => inclusionFromTree({ ...target, batchCid: batch.cid, treeLevel: 4 }, read),
        inconsistent(/entry 3/),
      );
      assert.throws(
        () =>
          inclusionFromTree(
            { ...target, batchCid: batch.cid, treeLevel: 4 },
            { ...read, run: read.run.slice(1) },
          ),
        inconsistent(/15 found/),
      );
    });
  });
}

treeSuite('embedded PGlite', embedded);
if ('skip' in realPostgres) {
  it('inclusionFromTree on PostgreSQL', { skip: realPostgres.skip }, () => undefined);
} else {
  const { adminUrl } = realPostgres;
  treeSuite('PostgreSQL', async () => {
    const database = await createTestDatabase(adminUrl, 'anchorpost_proof_tree');
    return { databaseUrl: database.databaseUrl, destroy: () => database.drop() };
  });
}
