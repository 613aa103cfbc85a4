/**
 * ContentStore contract, group "pins and garbage collection": pins and garbage collection: what a
 * pin keeps, and only that.
 */
import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CHUNK,
  putBatch,
  rejectsWith,
  storeFixture,
  UNKNOWN_TIMEOUT_MS,
  unevenChunks,
  unknownRawCid,
} from './fixture.ts';
import type { ContentStoreFactory } from './fixture.ts';

export function pinsGroup(factory: ContentStoreFactory): void {
  describe('pins and garbage collection', () => {
    const fixture = storeFixture(factory);

    it('keeps every tx-file a recursively pinned batch-file links, and only those', async () => {
      const { store } = fixture;
      const txFiles: string[] = [];
      for (const size of [10, 300, CHUNK + 10]) txFiles.push(await store.addFile(randomBytes(size)));
      const stray = await store.addFile(randomBytes(33));
      const batch = await putBatch(store, txFiles);

      await store.pin(batch.root, { recursive: true });
      assert.equal(await store.isPinned(batch.root), true, 'root pinned');
      for (const cid of txFiles)
        assert.equal(await store.isPinned(cid), true, `tx-file ${cid} kept by the batch pin`);
      assert.equal(await store.isPinned(stray), false, 'stray not pinned');

      await store.gc();
      for (const cid of [batch.root, ...batch.pages])
        assert.equal(await store.has(cid), true, `batch block ${cid} kept`);
      for (const cid of txFiles) {
        assert.equal(await store.has(cid), true, `tx-file ${cid} kept`);
        assert.ok((await store.getFile(cid, { maxBytes: 2 * CHUNK })).byteLength > 0);
      }
      assert.equal(await store.has(stray), false, 'unpinned, unlinked file collected');

      await store.unpin(batch.root);
      assert.equal(await store.isPinned(batch.root), false);
      await store.gc();
      for (const cid of [batch.root, ...txFiles])
        assert.equal(await store.has(cid), false, `${cid} collected after unpin`);
    });

    it('keeps a file added with pin: true (every chunk of it)', async () => {
      const { store } = fixture;
      const bytes = randomBytes(2 * CHUNK + 1);
      const cid = await store.addFile(bytes, { pin: true });
      const streamed = await store.addFileStream(unevenChunks(randomBytes(CHUNK + 2)), { pin: true });
      assert.equal(await store.isPinned(cid), true);
      await store.gc();
      assert.deepEqual(await store.getFile(cid, { maxBytes: bytes.byteLength }), new Uint8Array(bytes));
      assert.equal((await store.getFile(streamed, { maxBytes: CHUNK + 2 })).byteLength, CHUNK + 2);
      await store.unpin(cid);
      await store.unpin(streamed);
      await store.gc();
      assert.equal(await store.has(cid), false);
    });

    it('keeps only the root block under a direct pin, and can change the pin kind', async () => {
      const { store } = fixture;
      const txFile = await store.addFile(randomBytes(40));
      const batch = await putBatch(store, [txFile]);
      await store.pin(batch.root, { recursive: true });
      await store.pin(batch.root, { recursive: false });
      assert.equal(await store.isPinned(batch.root), true);
      assert.equal(await store.isPinned(txFile), false, 'a direct pin does not reach linked blocks');
      await store.gc();
      assert.equal(await store.has(batch.root), true);
      assert.equal(await store.has(batch.pages[0]!), false);
      assert.equal(await store.has(txFile), false);
      // A recursive pin needs the whole DAG; failing, it leaves the direct pin as it was.
      await rejectsWith(
        store.pin(batch.root, { recursive: true, timeoutMs: UNKNOWN_TIMEOUT_MS }),
        'NOT_FOUND',
      );
      assert.equal(await store.isPinned(batch.root), true, 'direct pin kept after a failed recursive pin');
      await store.gc();
      assert.equal(await store.has(batch.root), true);
      await store.unpin(batch.root);
      await store.gc();
      assert.equal(await store.has(batch.root), false);
    });

    it('leaves nothing pinned when a recursive pin fails on a missing block', async () => {
      const { store } = fixture;
      const present = await store.addFile(randomBytes(45));
      const batch = await putBatch(store, [present, unknownRawCid()]);
      await rejectsWith(store.pin(batch.root, { timeoutMs: UNKNOWN_TIMEOUT_MS }), 'NOT_FOUND');
      assert.equal(await store.isPinned(batch.root), false);
      assert.equal(await store.isPinned(present), false);
      await store.gc();
      assert.equal(await store.has(present), false);
      assert.equal(await store.has(batch.root), false);
    });

    it('counts pins separately: a block stays while any pin still keeps it', async () => {
      const { store } = fixture;
      const txFile = await store.addFile(randomBytes(50), { pin: true });
      const batch = await putBatch(store, [txFile]);
      await store.pin(batch.root);
      await store.unpin(txFile);
      assert.equal(await store.isPinned(txFile), true, 'still kept by the batch');
      await store.pin(txFile);
      await store.unpin(batch.root);
      assert.equal(await store.isPinned(txFile), true, 'still kept by its own pin');
      await store.gc();
      assert.equal(await store.has(txFile), true, 'tx-file kept by its own pin through GC');
      assert.equal(await store.has(batch.root), false);
      await store.unpin(txFile);
      await store.gc();
      assert.equal(await store.has(txFile), false);
    });

    it('pins and unpins idempotently', async () => {
      const { store } = fixture;
      const cid = await store.addFile(randomBytes(60));
      await store.unpin(cid); // never pinned
      await store.pin(cid);
      await store.pin(cid);
      assert.equal(await store.isPinned(cid), true);
      await store.unpin(cid);
      await store.unpin(cid);
      assert.equal(await store.isPinned(cid), false);
    });
  });
}
