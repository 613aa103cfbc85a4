/**
 * ContentStore contract, group "blocks": batch-file blocks: stored under their CIDs, checked,
 * bounded.
 */
import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeBatch, rejectsWith, storeFixture, UNKNOWN_TIMEOUT_MS, unknownRawCid } from './fixture.ts';
import type { ContentStoreFactory } from './fixture.ts';

export function blocksGroup(factory: ContentStoreFactory): void {
  describe('blocks', () => {
    const fixture = storeFixture(factory);

    it('stores batch-file blocks under their CIDs and reads them back', async () => {
      const { store } = fixture;
      const txFiles = [await store.addFile(randomBytes(20)), await store.addFile(randomBytes(21))];
      const { blocks } = await encodeBatch(txFiles);
      for (const block of blocks) {
        assert.equal(await store.has(block.cid), false);
        await store.putBlock(block.cid, block.bytes);
        await store.putBlock(block.cid.toString(), block.bytes); // again: idempotent
        assert.equal(await store.has(block.cid), true);
        assert.deepEqual(await store.getBlock(block.cid), block.bytes);
      }
    });

    it('refuses a block whose bytes do not hash to its CID (CID_MISMATCH), storing nothing', async () => {
      const { store } = fixture;
      const { root } = await encodeBatch([unknownRawCid()]);
      const tampered = Uint8Array.from(root.bytes);
      tampered[tampered.length - 1]! ^= 1;
      await rejectsWith(store.putBlock(root.cid, tampered), 'CID_MISMATCH', false);
      assert.equal(await store.has(root.cid), false);
      await rejectsWith(store.getBlock(root.cid, { timeoutMs: UNKNOWN_TIMEOUT_MS }), 'NOT_FOUND', false);
    });

    it('refuses a block over 1 MiB (TOO_LARGE)', async () => {
      const { store } = fixture;
      const { root } = await encodeBatch([unknownRawCid()]);
      const oversized = new Uint8Array(1_048_577);
      await rejectsWith(store.putBlock(root.cid, oversized), 'TOO_LARGE', false);
    });

    it('answers NOT_FOUND for an unknown block and false from has()', async () => {
      const { store } = fixture;
      const cid = unknownRawCid();
      await rejectsWith(store.getBlock(cid, { timeoutMs: UNKNOWN_TIMEOUT_MS }), 'NOT_FOUND', false);
      assert.equal(await store.has(cid), false);
    });
  });
}
