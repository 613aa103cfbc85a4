/**
 * How the parser reads a tx-file: a raw-leaf CID (a file of one chunk) as its one block, a larger
 * file as UnixFS; an oversized raw block is refused as a file would be (TOO_LARGE, not retried).
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { cidForBytes, UNIXFS_CHUNK_SIZE } from '@anchorpost/protocol';
import { isStorageError, StorageError, StorageErrorCode } from '@anchorpost/storage-port';
import type { ContentStore } from '@anchorpost/storage-port';
import { ContentFetcher } from '../src/content-fetcher.ts';
import { MAX_TX_FILE_BYTES } from '../src/parser-options.ts';

/** Test double: a store of files by CID that counts which read each one took. */
class CountingStoreDouble {
  readonly files = new Map<string, Uint8Array>();
  blockReads = 0;
  fileReads = 0;

  async add(bytes: Uint8Array): Promise<string> {
    const cid = await cidForBytes(bytes);
    this.files.set(cid, bytes);
    return cid;
  }

  getBlock(cid: string): Promise<Uint8Array> {
    this.blockReads += 1;
    return this.#read(cid);
  }

  getFile(cid: string): Promise<Uint8Array> {
    this.fileReads += 1;
    return this.#read(cid);
  }

  #read(cid: string): Promise<Uint8Array> {
    const bytes = this.files.get(cid);
    return bytes === undefined
      ? Promise.reject(new StorageError(StorageErrorCode.NotFound, `${cid} not found`))
      : Promise.resolve(bytes);
  }
}

function fetcherOver(store: CountingStoreDouble): ContentFetcher {
  return new ContentFetcher({
    store: store as unknown as ContentStore,
    timeoutMs: 1_000,
    retry: { attempts: 3, initialDelayMs: 1, maxDelayMs: 1 },
    sleep: () => Promise.resolve(),
    signal: new AbortController().signal,
    observer: undefined,
  });
}

it('reads a one-chunk tx-file as its block, a larger one as a file', async () => {
  const store = new CountingStoreDouble();
  const small = await store.add(new TextEncoder().encode('a small tx-file\n'));
  const large = await store.add(new Uint8Array(UNIXFS_CHUNK_SIZE + 1).fill(7));
  const fetcher = fetcherOver(store);

  assert.equal((await fetcher.txFile(small)).byteLength, 16);
  assert.deepEqual([store.blockReads, store.fileReads], [1, 0]);
  assert.equal((await fetcher.txFile(large)).byteLength, UNIXFS_CHUNK_SIZE + 1);
  assert.deepEqual([store.blockReads, store.fileReads], [1, 1]);
});

it('refuses a raw block larger than a tx-file may be, without retrying', async () => {
  const store = new CountingStoreDouble();
  // A raw CID over more bytes than a tx-file may have (the protocol's own files never are).
  const bytes = new Uint8Array(MAX_TX_FILE_BYTES + 1);
  const cid = await cidForBytes(bytes.subarray(0, 1));
  store.files.set(cid, bytes);
  await assert.rejects(fetcherOver(store).txFile(cid), (error: unknown) => {
    assert.ok(isStorageError(error));
    assert.equal(error.code, StorageErrorCode.TooLarge);
    return true;
  });
  assert.equal(store.blockReads, 1);
});

it('passes a text that is no CID to the file read, which reports it', async () => {
  const store = new CountingStoreDouble();
  await assert.rejects(fetcherOver(store).txFile('not-a-cid'), (error: unknown) => isStorageError(error));
  assert.deepEqual([store.blockReads, store.fileReads], [0, 1]);
});
