/**
 * The O(log n) proof read against the full read, through the real index (embedded PGlite): for
 * batches of 1, 2, 3, 17 (odd, one run and a bit) and 1,000 entries, every leaf's proof is
 * byte-identical either way, with and without the node cache; a tampered node or entry is
 * INDEX_INCONSISTENT.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createDatabase, migrate, startEmbeddedPostgres } from '@anchorpost/db';
import type { Database, EmbeddedPostgres } from '@anchorpost/db';
import { fixtureBatch, fixtureEntries } from '@anchorpost/db/testing';
import { MerkleTree } from '@anchorpost/protocol';
import { inclusionFromEntries } from '../src/inclusion-from-entries.ts';
import { inclusionFromTree } from '../src/inclusion-from-tree.ts';
import { ProofError } from '../src/proof-error.ts';
import { TreeNodeCache } from '../src/tree-node-cache.ts';

const SIZES = [1, 2, 3, 17, 1_000];

describe('inclusionFromTree', () => {
  let dataDir: string;
  let server: EmbeddedPostgres;
  let db: Database;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'anchorpost-proof-tree-'));
    server = await startEmbeddedPostgres({ dataDir });
    await migrate(server.databaseUrl);
    db = createDatabase({ databaseUrl: server.databaseUrl, poolSize: 1 });
  });

  after(async () => {
    await db.close();
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
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

  it('gives byte-identical proofs to the full read for every leaf of batches of 1, 2, 3, 17 and 1,000', async () => {
    for (const [sequence, size] of SIZES.entries()) {
      const { batch, entries } = await indexBatch(sequence, size);
      const cache = new TreeNodeCache(64);
      const merkleTree = MerkleTree.fromCids(entries);
      for (let index = 0; index < size; index += 1) {
        const found = await db.index.getProof(entries[index]!);
        assert.equal(found?.index, index);
        assert.equal(found.treeLevel, 4);
        const target = { leaf: entries[index]!, index, treeSize: size, root: batch.merkleRoot };
        // The full read costs a pass over the batch: every leaf of the small batches, a spread of
        // a thousand's (the full read equals MerkleTree's proof: inclusion-from-entries.test.ts).
        const full =
          size < 100 || index % 37 === 0 || index === size - 1
            ? await inclusionFromEntries(db.index.batchEntries(batch.cid), target)
            : merkleTree.proof(index);
        const tree = { ...target, batchCid: batch.cid, treeLevel: found.treeLevel };
        assert.equal(
          JSON.stringify(await inclusionFromTree(db.index, tree)),
          JSON.stringify(full),
          `leaf ${index} of ${size}`,
        );
        assert.equal(JSON.stringify(await inclusionFromTree(db.index, tree, cache)), JSON.stringify(full));
      }
      assert.ok(cache.size <= 64);
    }
  });

  it('reads one run of entries and one node per level above it', async () => {
    const { batch, entries } = await indexBatch(SIZES.length, 1_000);
    const queries: { entriesFrom: number; entriesTo: number; nodes: number }[] = [];
    const counting = {
      proofSlice: async (cid: string, query: Parameters<Database['index']['proofSlice']>[1]) => {
        queries.push({
          entriesFrom: query.entriesFrom,
          entriesTo: query.entriesTo,
          nodes: query.nodes.length,
        });
        return db.index.proofSlice(cid, query);
      },
    };
    const target = { leaf: entries[999]!, index: 999, treeSize: 1_000, root: batch.merkleRoot };
    await inclusionFromTree(counting, { ...target, batchCid: batch.cid, treeLevel: 4 });
    // 1,000 = 512 + 256 + 128 + 64 + 32 + 8: leaf 999 is in the last run [992, 1000).
    assert.deepEqual(queries, [{ entriesFrom: 992, entriesTo: 1_000, nodes: 5 }]);
  });

  it('refuses a stored node or entry that contradicts the root as INDEX_INCONSISTENT', async () => {
    const { batch, entries } = await indexBatch(SIZES.length + 1, 40);
    const target = { leaf: entries[3]!, index: 3, treeSize: 40, root: batch.merkleRoot };
    const tree = { ...target, batchCid: batch.cid, treeLevel: 4 };
    const inconsistent = (pattern: RegExp) => (error: unknown) =>
      error instanceof ProofError && error.code === 'INDEX_INCONSISTENT' && pattern.test(error.message);
    await db.prisma.batchTreeNode.update({
      where: { batchCid_level_index: { batchCid: batch.cid, level: 4, index: 1 } },
      data: { hash: '0'.repeat(64) },
    });
    await assert.rejects(inclusionFromTree(db.index, tree), inconsistent(/recorded root/));
    await db.prisma.batchTreeNode.delete({
      where: { batchCid_level_index: { batchCid: batch.cid, level: 4, index: 1 } },
    });
    await assert.rejects(inclusionFromTree(db.index, tree), inconsistent(/not stored/));
    await assert.rejects(
      inclusionFromTree(db.index, { ...tree, leaf: entries[4]! }),
      inconsistent(/entry 3/),
    );
  });
});
