/**
 * ContentStore contract, group "dag export": a batch-file's whole DAG in one stream — root first,
 * depth-first in link order, each block as stored — and a missing block ends it.
 */
import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContentStore, DagBlock } from '@anchorpost/storage-port';
import { CHUNK, putBatch, rejectsWith, storeFixture, UNKNOWN_TIMEOUT_MS, unknownRawCid } from './fixture.ts';
import type { ContentStoreFactory } from './fixture.ts';

async function exported(store: ContentStore, cid: string, timeoutMs?: number): Promise<DagBlock[]> {
  const blocks: DagBlock[] = [];
  for await (const block of store.exportDag(cid, timeoutMs === undefined ? {} : { timeoutMs })) {
    blocks.push(block);
  }
  return blocks;
}

export function dagExportGroup(factory: ContentStoreFactory): void {
  describe('dag export', () => {
    const fixture = storeFixture(factory);

    it("streams a batch-file's root, page and tx-files in link order, each block as stored", async () => {
      const { store } = fixture;
      const small = [await store.addFile(randomBytes(30)), await store.addFile(randomBytes(31))];
      // Two chunks: a dag-pb node and its two raw leaves.
      const large = await store.addFile(randomBytes(CHUNK + 1));
      const entries = [small[0]!, large, small[1]!];
      const { root, pages } = await putBatch(store, entries);
      const blocks = await exported(store, root);
      const cids = blocks.map((block) => block.cid);
      assert.equal(blocks.length, 7, cids.join(' '));
      assert.deepEqual(cids.slice(0, 4), [root, pages[0], small[0], large]);
      assert.equal(cids[6], small[1]);
      for (const block of blocks) {
        assert.ok(Buffer.from(block.bytes).equals(await store.getBlock(block.cid)), block.cid);
      }
    });

    it('ends the stream with NOT_FOUND at a missing block, after the blocks before it', async () => {
      const { store } = fixture;
      const present = await store.addFile(randomBytes(40));
      const { root, pages } = await putBatch(store, [present, unknownRawCid()]);
      const seen: string[] = [];
      const error = await rejectsWith(
        (async () => {
          for await (const block of store.exportDag(root, { timeoutMs: UNKNOWN_TIMEOUT_MS })) {
            seen.push(block.cid);
          }
        })(),
        'NOT_FOUND',
        false,
      );
      assert.ok(error.message.length > 0);
      assert.deepEqual(seen, [root, pages[0], present]);
    });

    it('answers NOT_FOUND for an unknown root', async () => {
      const { store } = fixture;
      await rejectsWith(exported(store, unknownRawCid(), UNKNOWN_TIMEOUT_MS), 'NOT_FOUND', false);
    });

    it('stops reading when the reader stops, and the store serves the next call', async () => {
      const { store } = fixture;
      const files = await Promise.all(
        Array.from({ length: 64 }, async () => store.addFile(randomBytes(2_000))),
      );
      const { root } = await putBatch(store, files);
      for await (const block of store.exportDag(root)) {
        assert.equal(block.cid, root);
        break;
      }
      assert.equal((await exported(store, root)).length, 66);
    });
  });
}
