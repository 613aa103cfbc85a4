/**
 * ContentStore contract, group "lifecycle": health, close and reopen, and a server that goes away.
 */
import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHUNK, putBatch, rejectsWith, storeFixture, unknownRawCid } from './fixture.ts';
import type { ContentStoreFactory } from './fixture.ts';

export function lifecycleGroup(factory: ContentStoreFactory, name: string): void {
  describe('lifecycle', () => {
    const fixture = storeFixture(factory);

    it('reports itself healthy', async () => {
      const { store } = fixture;
      const health = await store.health();
      assert.equal(health.ok, true, health.detail);
      assert.ok(health.detail.length > 0);
    });

    it('keeps files, blocks and pins across close and reopen', async () => {
      let { store } = fixture;
      const bytes = randomBytes(CHUNK + 99);
      const file = await store.addFile(bytes, { pin: true });
      const txFile = await store.addFile(randomBytes(70));
      const others = await store.addFiles(Array.from({ length: 40 }, () => randomBytes(71)));
      const batch = await putBatch(store, [txFile, ...others]);
      await store.pin(batch.root);
      // A second batch sharing a file, pinned and unpinned: what only it kept goes at GC.
      const dropped = await store.addFile(randomBytes(72));
      const gone = await putBatch(store, [dropped, txFile]);
      await store.pin(gone.root);
      await store.unpin(gone.root);

      store = await fixture.reopen();

      assert.deepEqual(await store.getFile(file, { maxBytes: bytes.byteLength }), new Uint8Array(bytes));
      assert.equal(await store.isPinned(file), true);
      assert.equal(await store.isPinned(batch.root), true);
      assert.equal(await store.isPinned(txFile), true);
      await store.gc();
      for (const cid of [txFile, ...others, batch.root, ...batch.pages])
        assert.equal(await store.has(cid), true, `${cid} kept by the pinned batch`);
      assert.equal(await store.has(dropped), false, 'kept only by the unpinned batch: collected');
      assert.equal(await store.has(gone.root), false);
      await store.unpin(file);
      await store.unpin(batch.root);
    });

    it('refuses every call once closed (CLOSED)', async () => {
      // The group's own store: the embedded one refuses a second opener of its folder.
      const closed = fixture.store;
      await closed.close();
      await closed.close(); // idempotent
      await rejectsWith(closed.addFile(randomBytes(1)), 'CLOSED', false);
      await rejectsWith(closed.getFile(unknownRawCid(), { maxBytes: 1 }), 'CLOSED', false);
      await rejectsWith(closed.has(unknownRawCid()), 'CLOSED', false);
      assert.equal((await closed.health()).ok, false);
      await fixture.reopen();
    });

    it('answers UNAVAILABLE (retryable) while the server is down, and recovers', async (t) => {
      const { harness, store } = fixture;
      if (harness.takeDown === undefined || harness.bringUp === undefined) {
        t.skip(`${name} has no server to lose`);
        return;
      }
      const cid = await store.addFile(randomBytes(80), { pin: true });
      await harness.takeDown();
      try {
        await rejectsWith(store.getFile(cid, { maxBytes: 80 }), 'UNAVAILABLE', true);
        await rejectsWith(store.addFile(randomBytes(5)), 'UNAVAILABLE', true);
        await rejectsWith(store.has(cid), 'UNAVAILABLE', true);
        const health = await store.health();
        assert.equal(health.ok, false);
      } finally {
        await harness.bringUp();
      }
      assert.equal((await store.getFile(cid, { maxBytes: 80 })).byteLength, 80, 'the same store works again');
      await store.unpin(cid);
    });
  });
}
