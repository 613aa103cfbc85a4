/**
 * The ContentStore contract: one node:test suite that every adapter must pass. Call
 * `storageContract(name, factory)` from a test file; the factory builds a harness around a fresh,
 * empty store (and whatever serves it). Tests run in order against one store and may close and
 * reopen it; every test cleans up what it relies on, and garbage collection is only ever relied
 * on for content the test itself created.
 */
import { randomBytes } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cidForBytes, cidForSmallBytes, encodeBatchFile, ProtocolError } from '@anchorpost/protocol';
import type { BatchFileBlock, BatchRootBlock } from '@anchorpost/protocol';
import type { ContentStore } from '../content-store.ts';
import { StorageError } from '../storage-error.ts';
import type { StorageErrorCode } from '../storage-error.ts';

export interface ContentStoreHarness {
  /** A store over this harness's data. Called again after `close()`, it must see the same data. */
  open(): Promise<ContentStore>;
  /** Restarts whatever serves the data (Kubo: the daemon) while the store is closed; keeps the data. */
  restart?(): Promise<void>;
  /** Takes the server down (Kubo: stops the daemon). Absent for stores with no server. */
  takeDown?(): Promise<void>;
  /** Brings the server back after `takeDown`, at the same address. */
  bringUp?(): Promise<void>;
  /** Stops everything and deletes the data. */
  dispose(): Promise<void>;
}

export type ContentStoreFactory = () => Promise<ContentStoreHarness>;

const CHUNK = 262_144;
/** Bound for lookups of content that does not exist: an offline store must answer well within it. */
const UNKNOWN_TIMEOUT_MS = 3_000;
/** Sizes around the chunk boundary and a multi-chunk file. */
const FILE_SIZES = [0, 1, CHUNK, CHUNK + 1, 1_048_576 + 17];

async function rejectsWith(
  promise: Promise<unknown>,
  code: StorageErrorCode,
  retryable?: boolean,
): Promise<StorageError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof StorageError, `expected a StorageError ${code}, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (retryable !== undefined) assert.equal(error.retryable, retryable, `${code} retryable`);
    return error;
  }
  assert.fail(`expected ${code}, but the call succeeded`);
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of source) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Splits bytes into chunks of uneven sizes (and an empty one), as a network stream would. */
function* unevenChunks(bytes: Uint8Array): Generator<Uint8Array> {
  const sizes = [1, 999, 65_536, 0, 100_003, 262_145, 7];
  for (let at = 0, i = 0; at < bytes.byteLength; i += 1) {
    const size = sizes[i % sizes.length]!;
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

function unknownRawCid(): string {
  return cidForSmallBytes(randomBytes(48));
}

async function encodeBatch(
  txFileCids: readonly string[],
): Promise<{ blocks: BatchFileBlock[]; root: BatchRootBlock }> {
  const blocks: BatchFileBlock[] = [];
  const header = {
    platform: 'contract-test',
    sequence: 0,
    previous: null,
    sealedAt: '2026-01-01T00:00:00.000Z',
  };
  for await (const block of encodeBatchFile(header, txFileCids)) blocks.push(block);
  const root = blocks.at(-1);
  assert.ok(root?.kind === 'root');
  return { blocks, root };
}

async function putBatch(
  store: ContentStore,
  txFileCids: readonly string[],
): Promise<{ root: string; pages: string[] }> {
  const { blocks, root } = await encodeBatch(txFileCids);
  for (const block of blocks) await store.putBlock(block.cid, block.bytes);
  return { root: root.cid.toString(), pages: root.root.pages.map((page) => page.toString()) };
}

export function storageContract(name: string, factory: ContentStoreFactory): void {
  describe(`ContentStore contract: ${name}`, () => {
    let harness: ContentStoreHarness;
    let store: ContentStore;

    before(async () => {
      harness = await factory();
      store = await harness.open();
    });

    after(async () => {
      await store.close();
      await harness.dispose();
    });

    describe('files', () => {
      it('gives every file the CID of cidForBytes, and reads it back byte for byte', async () => {
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

      it('streams a file in with the same CID, whatever the chunk sizes', async () => {
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
        const failure = new Error('source broke');
        async function* failing(): AsyncGenerator<Uint8Array> {
          yield randomBytes(CHUNK + 5);
          await nextTurn();
          throw failure;
        }
        await assert.rejects(store.addFileStream(failing()), (error) => error === failure);
      });

      it('streams a file out', async () => {
        const bytes = randomBytes(2 * CHUNK + 3);
        const cid = await store.addFile(bytes);
        assert.deepEqual(await collect(store.getFileStream(cid)), Buffer.from(bytes));
        assert.deepEqual(
          await collect(store.getFileStream(cid, { maxBytes: bytes.byteLength })),
          Buffer.from(bytes),
        );
      });

      it('refuses a file over maxBytes (TOO_LARGE) without handing out more than the limit', async () => {
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
        const { root } = await putBatch(store, [await store.addFile(randomBytes(10))]);
        await rejectsWith(store.getFile(root, { maxBytes: 1_000_000 }), 'NOT_A_FILE', false);
      });

      it('refuses CIDs outside the protocol form with BAD_CID', async () => {
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
        const cid = await store.addFile(randomBytes(100));
        await rejectsWith(
          store.getFile(cid, { maxBytes: 100, signal: AbortSignal.abort() }),
          'ABORTED',
          true,
        );
        await rejectsWith(store.addFile(randomBytes(10), { signal: AbortSignal.abort() }), 'ABORTED', true);
      });
    });

    describe('blocks', () => {
      it('stores batch-file blocks under their CIDs and reads them back', async () => {
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
        const { root } = await encodeBatch([unknownRawCid()]);
        const tampered = Uint8Array.from(root.bytes);
        tampered[tampered.length - 1]! ^= 1;
        await rejectsWith(store.putBlock(root.cid, tampered), 'CID_MISMATCH', false);
        assert.equal(await store.has(root.cid), false);
        await rejectsWith(store.getBlock(root.cid, { timeoutMs: UNKNOWN_TIMEOUT_MS }), 'NOT_FOUND', false);
      });

      it('refuses a block over 1 MiB (TOO_LARGE)', async () => {
        const { root } = await encodeBatch([unknownRawCid()]);
        const oversized = new Uint8Array(1_048_577);
        await rejectsWith(store.putBlock(root.cid, oversized), 'TOO_LARGE', false);
      });

      it('answers NOT_FOUND for an unknown block and false from has()', async () => {
        const cid = unknownRawCid();
        await rejectsWith(store.getBlock(cid, { timeoutMs: UNKNOWN_TIMEOUT_MS }), 'NOT_FOUND', false);
        assert.equal(await store.has(cid), false);
      });
    });

    describe('pins and garbage collection', () => {
      it('keeps every tx-file a recursively pinned batch-file links, and only those', async () => {
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

    describe('lifecycle', () => {
      it('reports itself healthy', async () => {
        const health = await store.health();
        assert.equal(health.ok, true, health.detail);
        assert.ok(health.detail.length > 0);
      });

      it('keeps files, blocks and pins across close and reopen', async () => {
        const bytes = randomBytes(CHUNK + 99);
        const file = await store.addFile(bytes, { pin: true });
        const txFile = await store.addFile(randomBytes(70));
        const batch = await putBatch(store, [txFile]);
        await store.pin(batch.root);

        await store.close();
        await harness.restart?.();
        store = await harness.open();

        assert.deepEqual(await store.getFile(file, { maxBytes: bytes.byteLength }), new Uint8Array(bytes));
        assert.equal(await store.isPinned(file), true);
        assert.equal(await store.isPinned(batch.root), true);
        assert.equal(await store.isPinned(txFile), true);
        await store.gc();
        assert.equal(await store.has(txFile), true);
        await store.unpin(file);
        await store.unpin(batch.root);
      });

      it('refuses every call once closed (CLOSED)', async () => {
        const closed = await harness.open();
        await closed.close();
        await closed.close(); // idempotent
        await rejectsWith(closed.addFile(randomBytes(1)), 'CLOSED', false);
        await rejectsWith(closed.getFile(unknownRawCid(), { maxBytes: 1 }), 'CLOSED', false);
        await rejectsWith(closed.has(unknownRawCid()), 'CLOSED', false);
        assert.equal((await closed.health()).ok, false);
      });

      it('answers UNAVAILABLE (retryable) while the server is down, and recovers', async (t) => {
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
        assert.equal(
          (await store.getFile(cid, { maxBytes: 80 })).byteLength,
          80,
          'the same store works again',
        );
        await store.unpin(cid);
      });
    });
  });
}
