/** ContentStore contract, group "files": files in and out: CIDs, streams, limits and refusals. */
import { randomBytes } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cidForBytes, cidForSmallBytes, ProtocolError } from '@anchorpost/protocol';
import {
  CHUNK,
  collect,
  FILE_SIZES,
  putBatch,
  rejectsWith,
  storeFixture,
  UNKNOWN_TIMEOUT_MS,
  unevenChunks,
  unknownRawCid,
} from './fixture.ts';
import type { ContentStoreFactory } from './fixture.ts';

export function filesGroup(factory: ContentStoreFactory): void {
  describe('files', () => {
    const fixture = storeFixture(factory);

    it('gives every file the CID of cidForBytes, and reads it back byte for byte', async () => {
      const { store } = fixture;
      for (const size of FILE_SIZES) {
        const bytes = randomBytes(size);
        const cid = await store.addFile(bytes);
        assert.equal(cid, await cidForBytes(bytes), `CID of a ${size}-byte file`);
        assert.deepEqual(
          await store.getFile(cid, { maxBytes: size }),
          new Uint8Array(bytes),
          `bytes of a ${size}-byte file`,
        );
        assert.equal(await store.addFile(bytes), cid, `adding ${size} bytes again`);
      }
    });

    it('adds several files in one call: their CIDs in order, each readable, pinned when asked', async () => {
      const { store } = fixture;
      const twice = randomBytes(1_000);
      const files = [twice, randomBytes(2 * CHUNK + 7), new Uint8Array(0), twice, randomBytes(3)];
      const cids = await store.addFiles(files, { pin: true });
      assert.deepEqual(cids, await Promise.all(files.map((bytes) => cidForBytes(bytes))));
      for (const [i, cid] of cids.entries()) {
        const bytes = files[i]!;
        assert.deepEqual(await store.getFile(cid, { maxBytes: bytes.byteLength }), new Uint8Array(bytes));
        assert.equal(await store.isPinned(cid), true, `file ${i} pinned`);
      }
      assert.deepEqual(await store.addFiles([]), []);
    });

    it('stores a one-block file from addFiles as its raw block: the CID add gives, served by getFile and getBlock', async () => {
      const { store } = fixture;
      const bytes = randomBytes(CHUNK);
      const [cid] = await store.addFiles([bytes, randomBytes(CHUNK + 1)]);
      assert.equal(cid, cidForSmallBytes(bytes));
      assert.deepEqual(await store.getBlock(cid), new Uint8Array(bytes), 'the block is the file');
      assert.deepEqual(await store.getFile(cid, { maxBytes: CHUNK }), new Uint8Array(bytes));
      assert.equal(await store.addFile(bytes), cid, 'add gives the same CID');
    });

    it('streams a file in with the same CID, whatever the chunk sizes', async () => {
      const { store } = fixture;
      const bytes = randomBytes(3 * CHUNK + 12_345);
      const cid = await store.addFileStream(unevenChunks(bytes));
      assert.equal(cid, await cidForBytes(bytes));
      assert.deepEqual(await store.getFile(cid, { maxBytes: bytes.byteLength }), new Uint8Array(bytes));
      assert.equal(
        await store.addFileStream((async function* () {})()),
        await cidForBytes(new Uint8Array(0)),
      );
    });

    it("passes on the source's own error when a streamed file fails", async () => {
      const { store } = fixture;
      const failure = new Error('source broke');
      async function* failing(): AsyncGenerator<Uint8Array> {
        yield randomBytes(CHUNK + 5);
        await nextTurn();
        throw failure;
      }
      await assert.rejects(store.addFileStream(failing()), (error) => error === failure);
    });

    it('streams a file out', async () => {
      const { store } = fixture;
      const bytes = randomBytes(2 * CHUNK + 3);
      const cid = await store.addFile(bytes);
      assert.deepEqual(await collect(store.getFileStream(cid)), Buffer.from(bytes));
      assert.deepEqual(
        await collect(store.getFileStream(cid, { maxBytes: bytes.byteLength })),
        Buffer.from(bytes),
      );
    });

    it('refuses a file over maxBytes (TOO_LARGE) without handing out more than the limit', async () => {
      const { store } = fixture;
      const bytes = randomBytes(300_000);
      const cid = await store.addFile(bytes);
      await rejectsWith(store.getFile(cid, { maxBytes: 299_999 }), 'TOO_LARGE', false);
      await rejectsWith(store.getFile(cid, { maxBytes: 0 }), 'TOO_LARGE', false);
      assert.equal((await store.getFile(cid, { maxBytes: 300_000 })).byteLength, 300_000);

      let received = 0;
      const streamed = (async () => {
        for await (const chunk of store.getFileStream(cid, { maxBytes: 100_000 }))
          received += chunk.byteLength;
      })();
      await rejectsWith(streamed, 'TOO_LARGE', false);
      assert.ok(received <= 100_000, `handed out ${received} bytes past a 100,000-byte limit`);
    });

    it('answers NOT_FOUND for an unknown CID, well within the time limit', async () => {
      const { store } = fixture;
      const started = performance.now();
      const error = await rejectsWith(
        store.getFile(unknownRawCid(), { maxBytes: 1_000, timeoutMs: UNKNOWN_TIMEOUT_MS }),
        'NOT_FOUND',
        false,
      );
      assert.ok(
        performance.now() - started < UNKNOWN_TIMEOUT_MS,
        `took ${performance.now() - started} ms: ${error.message}`,
      );
      await rejectsWith(
        collect(store.getFileStream(unknownRawCid(), { timeoutMs: UNKNOWN_TIMEOUT_MS })),
        'NOT_FOUND',
      );
    });

    it('answers NOT_A_FILE for a batch-file block', async () => {
      const { store } = fixture;
      const { root } = await putBatch(store, [await store.addFile(randomBytes(10))]);
      await rejectsWith(store.getFile(root, { maxBytes: 1_000_000 }), 'NOT_A_FILE', false);
    });

    it('refuses CIDs outside the protocol form with BAD_CID', async () => {
      const { store } = fixture;
      const cidV0 = 'QmbWqxBEKC3P8tqsKc98xmWNzrzDtRLMiMPL8wBuTGsMnR';
      await assert.rejects(
        store.getFile(cidV0, { maxBytes: 10 }),
        (error) => error instanceof ProtocolError && error.code === 'BAD_CID',
      );
      await assert.rejects(
        store.getBlock('not a cid'),
        (error) => error instanceof ProtocolError && error.code === 'BAD_CID',
      );
    });

    it('answers ABORTED (retryable) when the caller aborts', async () => {
      const { store } = fixture;
      const cid = await store.addFile(randomBytes(100));
      await rejectsWith(store.getFile(cid, { maxBytes: 100, signal: AbortSignal.abort() }), 'ABORTED', true);
      await rejectsWith(store.addFile(randomBytes(10), { signal: AbortSignal.abort() }), 'ABORTED', true);
    });
  });
}
