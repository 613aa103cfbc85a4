/**
 * Database contract, group "index reads": proofs with every chain's anchors, messages by recipient
 * with a keyset cursor, and chain cursors. Each test on an empty database of its own.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { TxFileRecord } from '@anchorpost/db-port';
import { MerkleTree, MerkleUpperLevels, merkleLeafHashForCid, toHex } from '@anchorpost/protocol';
import { TREE_LEVEL } from '../../index-repository.ts';
import {
  fixtureAnchor,
  fixtureBatch,
  fixtureCid,
  fixtureEntries,
  fixtureHash,
  fixtureTxFile,
} from '../fixtures.ts';
import { databaseFixture, expectDbError } from './fixture.ts';
import type { DatabaseFactory } from './fixture.ts';

export function indexReadsGroup(factory: DatabaseFactory): void {
  describe('index reads', () => {
    const fresh = databaseFixture(factory);
    const platform = 'contract';

    it('serves a proof with the anchors of every chain, and replaces an anchor on re-anchoring', async () => {
      const { db } = await fresh();
      const batch = fixtureBatch(platform, 3, 5);
      const entries = fixtureEntries('proof', 5);
      await db.index.recordBatch(batch, entries);
      const ergo = fixtureAnchor(batch, 'ergo', 'mainnet', 1_204_400);
      const evm = fixtureAnchor(batch, 'evm', '31337', 17);
      await db.index.recordAnchor(ergo);
      await db.index.recordAnchor(evm);

      const proof = await db.index.getProof(entries[3]!);
      assert.deepEqual(proof, {
        txFileCid: entries[3],
        batch,
        index: 3,
        anchors: [evm, ergo],
        treeLevel: TREE_LEVEL,
      });

      const reanchored = { ...fixtureAnchor(batch, 'evm', '31337', 21), status: 'confirmed' as const };
      await db.index.recordAnchor(reanchored);
      assert.deepEqual((await db.index.getProof(entries[3]!))?.anchors, [reanchored, ergo]);
      assert.equal(await db.index.getProof(fixtureCid('never sealed')), null);
    });

    it('reads a proof in one statement: the same inclusion record as getProof, the trustedblock, the run and the path nodes', async () => {
      const { db } = await fresh();
      // Sealed twice: the proof is of the lower sequence, as getProof's.
      const later = fixtureBatch(platform, 9, 2);
      const batch = { ...fixtureBatch(platform, 8, 5), rootBlock: new Uint8Array([0xa1, 0, 0xff]) };
      const entries = fixtureEntries('read', 5);
      await db.index.recordBatch(later, [entries[4]!, fixtureCid('other')]);
      await db.index.recordBatch(batch, entries);
      const ergo = fixtureAnchor(batch, 'ergo', 'mainnet', 1_204_400);
      const evm = fixtureAnchor(batch, 'evm', '31337', 17);
      await db.index.recordAnchor(ergo);
      await db.index.recordAnchor(evm);
      const txFile = fixtureTxFile(entries[4]!, { batchSequence: 8, batchIndex: 4 }, fixtureHash('r'));
      await db.index.recordTxFiles([
        txFile,
        {
          ...fixtureTxFile(entries[1]!, { batchSequence: 8, batchIndex: 1 }, fixtureHash('r')),
          trustedblockId: undefined,
        },
      ]);

      const read = await db.index.proofRead(entries[4]!);
      assert.deepEqual(read, {
        ...(await db.index.getProof(entries[4]!)),
        trustedblock: { height: txFile.trustedblockHeight, blockId: txFile.trustedblockId },
        run: entries,
        nodes: [],
      });
      assert.deepEqual(read.anchors, [evm, ergo]);
      // A row without the block id, and no row at all: no trustedblock.
      assert.equal((await db.index.proofRead(entries[1]!))?.trustedblock, null);
      assert.equal((await db.index.proofRead(entries[2]!))?.trustedblock, null);
      // Re-anchored: the next read has the new anchor.
      const reanchored = { ...fixtureAnchor(batch, 'evm', '31337', 21), status: 'orphaned' as const };
      await db.index.recordAnchor(reanchored);
      assert.deepEqual((await db.index.proofRead(entries[4]!))?.anchors, [reanchored, ergo]);
      assert.equal(await db.index.proofRead(fixtureCid('never sealed')), null);
    });

    it('reads, for every leaf of batches of 1, 2, 3, 17 and 1,000, the run and nodes that make its RFC 6962 path', async () => {
      const { db } = await fresh();
      for (const [sequence, size] of [1, 2, 3, 17, 1_000].entries()) {
        const entries = fixtureEntries(`path ${size}`, size);
        await db.index.recordBatch(fixtureBatch(platform, 20 + sequence, size), entries);
        const tree = MerkleTree.fromCids(entries);
        for (let index = 0; index < size; index += 1) {
          const read = (await db.index.proofRead(entries[index]!))!;
          const runStart = index - (index % 2 ** TREE_LEVEL);
          assert.deepEqual(
            read.run,
            entries.slice(runStart, runStart + 2 ** TREE_LEVEL),
            `run of ${index}/${size}`,
          );
          // The run is a node of the tree: the path inside it, then one stored node per level above.
          const inRun = MerkleTree.fromCids(read.run).proof(index - runStart).path;
          assert.deepEqual(
            [...inRun, ...read.nodes.map((node) => node.hash)],
            tree.proof(index).path,
            `path of ${index}/${size}`,
          );
        }
      }
    });

    it('keeps the tree nodes from its tree level up and reads a run of entries with some nodes in one call', async () => {
      const { db } = await fresh();
      const batch = fixtureBatch(platform, 4, 40);
      const entries = fixtureEntries('tree', 40);
      await db.index.recordBatch(batch, entries);
      const { levels } = (() => {
        const tree = new MerkleUpperLevels(TREE_LEVEL);
        for (const entry of entries) tree.add(merkleLeafHashForCid(entry));
        return tree.finish();
      })();
      // 40 entries: level 4 has 3 nodes, level 5 two, level 6 the root.
      assert.deepEqual(
        levels.map((nodes) => nodes.length),
        [3, 2, 1],
      );
      const stored = (await db.index.dumpAll()).batchTreeNodes.filter((node) => node.batchCid === batch.cid);
      assert.deepEqual(
        stored,
        levels.flatMap((nodes, k) =>
          nodes.map((hash, index) => ({
            batchCid: batch.cid,
            level: TREE_LEVEL + k,
            index,
            hash: toHex(hash),
          })),
        ),
      );
      // Leaf 35 of 40 = 32 + 8: its run [32, 40) and the node of [0, 32); a node that is not
      // stored is left out, not invented.
      const read = await db.index.proofRead(entries[35]!);
      assert.deepEqual(read?.run, entries.slice(32, 40));
      assert.deepEqual(read.nodes, [{ level: 5, index: 0, hash: toHex(levels[1]![0]!) }]);
      assert.deepEqual((await db.index.proofRead(entries[3]!))?.nodes, [
        { level: 4, index: 1, hash: toHex(levels[0]![1]!) },
        { level: 5, index: 1, hash: toHex(levels[1]![1]!) },
      ]);
      await db.prisma.batchTreeNode.deleteMany({ where: { batchCid: batch.cid, level: 4 } });
      assert.deepEqual((await db.index.proofRead(entries[3]!))?.nodes, [
        { level: 5, index: 1, hash: toHex(levels[1]![1]!) },
      ]);
    });

    it('refuses an entry that is no CID as INVALID_VALUE: it cannot be a Merkle leaf', async () => {
      const { db } = await fresh();
      const batch = fixtureBatch(platform, 5, 2);
      await expectDbError(db.index.recordBatch(batch, [fixtureCid('fine'), 'not a cid']), 'INVALID_VALUE');
      assert.equal(await db.index.getBatch(batch.cid), null);
    });

    it('lists messages by recipient with a keyset cursor: each exactly once, in batch order', async () => {
      const { db } = await fresh();
      const recipient = fixtureHash('recipient/paged');
      const other = fixtureHash('recipient/other');
      const rows: TxFileRecord[] = [];
      for (const sequence of [10, 11, 12]) {
        for (let batchIndex = 0; batchIndex < 150; batchIndex += 1) {
          const cid = fixtureCid(`paged/${sequence}/${batchIndex}`);
          rows.push(
            fixtureTxFile(
              cid,
              { batchSequence: sequence, batchIndex },
              batchIndex % 3 === 0 ? other : recipient,
            ),
          );
        }
      }
      // Inserted out of order: the listing's order comes from the index, not from insertion.
      const shuffled = rows.map((row, i) => ({
        row,
        key: createHash('sha256').update(String(i)).digest('hex'),
      }));
      shuffled.sort((a, b) => a.key.localeCompare(b.key));
      assert.equal(await db.index.recordTxFiles(shuffled.map((item) => item.row)), rows.length);
      assert.equal(await db.index.recordTxFiles(rows.slice(0, 10)), 0, 'recording again adds nothing');
      assert.deepEqual(
        await db.index.getTxFile(rows[7]!.cid),
        rows[7],
        'a tx-file reads back by CID, senders in order',
      );
      assert.equal(await db.index.getTxFile(fixtureCid('never indexed')), null);
      // A row without the trustedblock id (as indexed before it was kept) reads back without one.
      const withoutId = fixtureTxFile(
        fixtureCid('paged/without-id'),
        { batchSequence: 9, batchIndex: 0 },
        other,
      );
      delete withoutId.trustedblockId;
      await db.index.recordTxFiles([withoutId]);
      assert.deepEqual(await db.index.getTxFile(withoutId.cid), withoutId);

      const expected = rows.filter((row) => row.recipientHash === recipient);
      const seen: TxFileRecord[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await db.index.messagesByRecipient(recipient, cursor, 7);
        assert.ok(page.items.length <= 7);
        seen.push(...page.items);
        cursor = page.nextCursor;
        pages += 1;
        if (pages === 3) {
          // A message arriving in a later batch mid-listing shows up once, at the end.
          const late = fixtureTxFile(
            fixtureCid('paged/late'),
            { batchSequence: 13, batchIndex: 0 },
            recipient,
          );
          await db.index.recordTxFiles([late]);
          expected.push(late);
        }
      } while (cursor !== null);
      assert.equal(pages, Math.ceil(expected.length / 7));
      assert.deepEqual(seen, expected);
      assert.equal(new Set(seen.map((row) => row.cid)).size, seen.length);

      const last = await db.index.messagesByRecipient(recipient, null, 1_000);
      assert.equal(last.items.length, expected.length);
      assert.equal(last.nextCursor, null);
      assert.deepEqual(await db.index.messagesByRecipient(fixtureHash('nobody'), null, 10), {
        items: [],
        nextCursor: null,
      });
      await expectDbError(db.index.messagesByRecipient(recipient, 'not-a-cursor', 10), 'INVALID_ARGUMENT');
      await expectDbError(db.index.messagesByRecipient(recipient, null, 0), 'INVALID_ARGUMENT');
      await expectDbError(db.index.messagesByRecipient(recipient, null, 1_001), 'INVALID_ARGUMENT');
    });

    it('keeps a chain cursor per chain', async () => {
      const { db } = await fresh();
      assert.equal(await db.index.getChainCursor('ergo', 'mainnet'), null);
      await db.index.saveChainCursor({
        chain: 'ergo',
        chainId: 'mainnet',
        lastBlock: 10,
        lastBlockHash: 'a'.repeat(64),
      });
      await db.index.saveChainCursor({
        chain: 'evm',
        chainId: '31337',
        lastBlock: 5,
        lastBlockHash: 'c'.repeat(64),
      });
      await db.index.saveChainCursor({
        chain: 'ergo',
        chainId: 'mainnet',
        lastBlock: 11,
        lastBlockHash: 'b'.repeat(64),
      });
      assert.deepEqual(await db.index.getChainCursor('ergo', 'mainnet'), {
        chain: 'ergo',
        chainId: 'mainnet',
        lastBlock: 11,
        lastBlockHash: 'b'.repeat(64),
      });
    });
  });
}
