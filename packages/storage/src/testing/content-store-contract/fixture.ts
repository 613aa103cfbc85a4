/**
 * What the ContentStore contract's groups share: the harness an adapter provides, a store of its
 * own per group, and the helpers the groups' tests use.
 */
import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { cidForSmallBytes, encodeBatchFile } from '@anchorpost/protocol';
import type { BatchFileBlock, BatchRootBlock } from '@anchorpost/protocol';
import { StorageError } from '@anchorpost/storage-port';
import type { ContentStore, StorageErrorCode } from '@anchorpost/storage-port';

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

export const CHUNK = 262_144;
/** Bound for lookups of content that does not exist: an offline store must answer well within it. */
export const UNKNOWN_TIMEOUT_MS = 3_000;
/** Sizes around the chunk boundary and a multi-chunk file. */
export const FILE_SIZES = [0, 1, CHUNK, CHUNK + 1, 1_048_576 + 17];

export async function rejectsWith(
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

export async function collect(source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of source) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Splits bytes into chunks of uneven sizes (and an empty one), as a network stream would. */
export function* unevenChunks(bytes: Uint8Array): Generator<Uint8Array> {
  const sizes = [1, 999, 65_536, 0, 100_003, 262_145, 7];
  for (let at = 0, i = 0; at < bytes.byteLength; i += 1) {
    const size = sizes[i % sizes.length]!;
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

export function unknownRawCid(): string {
  return cidForSmallBytes(randomBytes(48));
}

export async function encodeBatch(
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

export async function putBatch(
  store: ContentStore,
  txFileCids: readonly string[],
): Promise<{ root: string; pages: string[] }> {
  const { blocks, root } = await encodeBatch(txFileCids);
  for (const block of blocks) await store.putBlock(block.cid, block.bytes);
  return { root: root.cid.toString(), pages: root.root.pages.map((page) => page.toString()) };
}

/**
 * A group's own store: call inside the group's describe. A fresh harness and store are opened
 * before its first test and disposed after its last, so that no group depends on what another
 * left behind (or failed to clean up). `store` changes when a test reopens it.
 */
export interface StoreFixture {
  readonly harness: ContentStoreHarness;
  readonly store: ContentStore;
  /** Closes the store, restarts its server (when the harness can) and opens it again. */
  reopen(): Promise<ContentStore>;
}

export function storeFixture(factory: ContentStoreFactory): StoreFixture {
  let harness: ContentStoreHarness | undefined;
  let store: ContentStore | undefined;
  before(async () => {
    harness = await factory();
    store = await harness.open();
  });
  after(async () => {
    await store?.close();
    await harness?.dispose();
  });
  const opened = <T>(value: T | undefined): T => {
    assert.ok(value !== undefined, "the group's store did not open (see its before hook)");
    return value;
  };
  return {
    get harness() {
      return opened(harness);
    },
    get store() {
      return opened(store);
    },
    async reopen() {
      await opened(store).close();
      await opened(harness).restart?.();
      store = await opened(harness).open();
      return store;
    },
  };
}
