/**
 * The embedded ContentStore: Helia over a LevelDB blockstore and a file datastore in one folder,
 * with no networking at all. `createHeliaLight` builds Helia without libp2p, routers or block
 * brokers, so the node opens no socket and dials nobody. Reads go to the blockstore (files:
 * unixfs-file-reader.ts) or through Helia with `offline: true`, so a missing block is NOT_FOUND
 * at once instead of a search that could never succeed. Helia imports files; pins and garbage
 * collection are this package's own (pin-index.ts says why).
 *
 *   <dir>/blockdb    the blocks, in LevelDB (embedded-blockstore.ts, ADR 0048)
 *   <dir>/blocks     one file per block, as earlier versions wrote them: read, never written
 *   <dir>/datastore  pins and Helia's own records (datastore-fs)
 *
 * One process per folder: nothing locks it against a second one.
 */
import { access, constants, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  cidForBytes,
  cidForSmallBytes,
  toCid,
  UNIXFS_CHUNK_SIZE,
  unixfsImporterOptions,
} from '@anchorpost/protocol';
import { unixfs } from '@helia/unixfs';
import type { UnixFS } from '@helia/unixfs';
import * as dagCbor from '@ipld/dag-cbor';
import { FsDatastore } from 'datastore-fs';
import { createHeliaLight } from 'helia';
import type { Helia } from 'helia';
import type { CID } from 'multiformats/cid';
import { checkBlockBytes, checkBlockSize, checkFileCid } from '../block-check.ts';
import { checkMaxBytes, limitBytes, readBounded } from '../bounded-bytes.ts';
import { StorageError, StorageErrorCode } from '@anchorpost/storage-port';
import type {
  AddFileOptions,
  ContentAddress,
  ContentStore,
  DagBlock,
  ExportDagOptions,
  GetFileOptions,
  OperationOptions,
  PinOptions,
  ReadFileOptions,
  StoreHealth,
} from '@anchorpost/storage-port';
import { ExpectedCid } from '../expected-cid.ts';
import { DEFAULT_TIMEOUT_MS, OperationSignal } from '../operation-signal.ts';
import { BLOCK_DB, EmbeddedBlockstore } from './embedded-blockstore.ts';
import { GcGate } from './gc-gate.ts';
import { heliaStorageError } from './helia-errors.ts';
import { walkDag } from './dag-walk.ts';
import { PinIndex } from './pin-index.ts';
import { openUnixfsFile } from './unixfs-file-reader.ts';

export interface HeliaContentStoreOptions {
  /** Folder holding the blocks and pins; created if missing. */
  dir: string;
  /** Default time limit of reads and small writes (ms). Default 30,000. */
  timeoutMs?: number;
}

/** Opens (creating if needed) the embedded store in `options.dir`. */
export async function openHeliaContentStore(options: HeliaContentStoreOptions): Promise<HeliaContentStore> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  new OperationSignal(timeoutMs, undefined); // validates
  const datastore = new FsDatastore(join(options.dir, 'datastore'));
  let blockstore: EmbeddedBlockstore | undefined;
  try {
    await mkdir(options.dir, { recursive: true });
    const blocks = await EmbeddedBlockstore.open(options.dir);
    blockstore = blocks;
    await datastore.open();
    // Light = no libp2p, no routers, no block brokers: an offline node. dag-cbor lets pins walk batch-files.
    const helia = createHeliaLight({ blockstore: blocks, datastore, codecs: [dagCbor] });
    await helia.start();
    const pins = new PinIndex(blocks, datastore);
    return new HeliaContentStore(helia, blocks, pins, options.dir, timeoutMs, async () => {
      await blocks.close();
      await datastore.close();
    });
  } catch (error) {
    await blockstore?.close().catch(() => undefined);
    await datastore.close().catch(() => undefined);
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOTDIR' || code === 'EEXIST') {
      throw new StorageError(StorageErrorCode.BadConfig, `store folder ${options.dir} is not a folder`, {
        cause: error,
      });
    }
    throw heliaStorageError(error, `open the store in ${options.dir}`);
  }
}

export class HeliaContentStore implements ContentStore {
  readonly #helia: Helia;
  /** The blockstore under Helia, read directly: no network, no read-ahead (unixfs-file-reader.ts). */
  readonly #blocks: EmbeddedBlockstore;
  readonly #pins: PinIndex;
  readonly #fs: UnixFS;
  readonly #dir: string;
  readonly #timeoutMs: number;
  readonly #closeStores: () => Promise<void>;
  readonly #gate = new GcGate();
  #closed = false;

  /** Use `openHeliaContentStore`. */
  constructor(
    helia: Helia,
    blocks: EmbeddedBlockstore,
    pins: PinIndex,
    dir: string,
    timeoutMs: number,
    closeStores: () => Promise<void>,
  ) {
    this.#helia = helia;
    this.#blocks = blocks;
    this.#pins = pins;
    this.#fs = unixfs(helia);
    this.#dir = dir;
    this.#timeoutMs = timeoutMs;
    this.#closeStores = closeStores;
  }

  async addFile(bytes: Uint8Array, options: AddFileOptions = {}): Promise<string> {
    const [cid] = await this.addFiles([bytes], options);
    return cid!;
  }

  /**
   * A file of one chunk is one raw block (ADR 0036): its CID is computed here from its bytes
   * (sha256, never taken on trust) and the bytes written straight to the blockstore, 64 to a
   * LevelDB write batch; only larger files go through the importer, one at a time. Helia's
   * importer costs ~0.5 ms of CPU a file.
   */
  async addFiles(files: readonly Uint8Array[], options: AddFileOptions = {}): Promise<string[]> {
    const what = files.length === 1 ? 'add file' : `add ${files.length} files`;
    return this.#run(what, options, this.#timeoutMs, async (op) =>
      this.#gate.write(async () => {
        const cids: string[] = [];
        const leaves = new Map<string, Uint8Array>();
        for (const bytes of files) {
          if (bytes.byteLength > UNIXFS_CHUNK_SIZE) {
            const expected = await cidForBytes(bytes);
            const cid = await this.#fs.addBytes(bytes, { ...importerOptions(), signal: op.signal });
            cids.push(this.#checkAdded(cid, expected));
            continue;
          }
          const cid = cidForSmallBytes(bytes);
          leaves.set(cid, bytes);
          cids.push(cid);
        }
        await this.#putLeaves(leaves, op);
        if (options.pin === true)
          for (const cid of new Set(cids)) await this.#pins.pin(toCid(cid, 'cid'), true, op);
        return cids;
      }),
    );
  }

  async addFileStream(
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    options: AddFileOptions = {},
  ): Promise<string> {
    const expected = new ExpectedCid(source);
    try {
      return await this.#run('add file stream', options, undefined, async (op) =>
        this.#gate.write(async () => {
          const cid = await this.#fs.addByteStream(expected.chunks, {
            ...importerOptions(),
            signal: op.signal,
          });
          const added = this.#checkAdded(cid, await expected.cid());
          if (options.pin === true) await this.#pins.pin(cid, true, op);
          return added;
        }),
      );
    } catch (error) {
      // The caller's stream failing is the caller's error, not the store's.
      if (expected.sourceFailed) throw expected.sourceError;
      throw error;
    }
  }

  async getFile(cid: ContentAddress, options: GetFileOptions): Promise<Uint8Array> {
    checkMaxBytes(options.maxBytes);
    return readBounded(this.getFileStream(cid, options), options.maxBytes, `get file ${String(cid)}`);
  }

  async *getFileStream(
    cid: ContentAddress,
    options: ReadFileOptions = {},
  ): AsyncGenerator<Uint8Array, void, undefined> {
    if (options.maxBytes !== undefined) checkMaxBytes(options.maxBytes);
    const what = `get file ${String(cid)}`;
    const op = this.#begin(what, options, this.#timeoutMs);
    try {
      const root = toCid(cid, 'cid');
      const file = await openUnixfsFile(this.#blocks, root, op);
      const { maxBytes } = options;
      if (maxBytes !== undefined && file.size > BigInt(maxBytes)) {
        // The root says how large the file is: refuse before reading any of it.
        throw new StorageError(
          StorageErrorCode.TooLarge,
          `${what}: ${file.size} bytes, more than the allowed ${maxBytes}`,
        );
      }
      // Counted as well, in case the root lies; and verified as it passes (see checkFileCid).
      const limited = maxBytes === undefined ? file.chunks : limitBytes(file.chunks, maxBytes, what);
      const check = new ExpectedCid(limited);
      yield* check.chunks;
      checkFileCid(root, await check.cid());
    } catch (error) {
      throw op.toError(error, what, heliaStorageError);
    }
  }

  async putBlock(cid: ContentAddress, bytes: Uint8Array, options: OperationOptions = {}): Promise<void> {
    await this.#run(`put block ${String(cid)}`, options, this.#timeoutMs, async (op) => {
      const parsed = toCid(cid, 'cid');
      checkBlockSize(parsed, bytes);
      checkBlockBytes(parsed, bytes);
      await this.#gate.write(async () => this.#helia.blockstore.put(parsed, bytes, { signal: op.signal }));
    });
  }

  async getBlock(cid: ContentAddress, options: OperationOptions = {}): Promise<Uint8Array> {
    return this.#run(`get block ${String(cid)}`, options, this.#timeoutMs, async (op, what) => {
      const parsed = toCid(cid, 'cid');
      const chunks = this.#helia.blockstore.get(parsed, { signal: op.signal, offline: true });
      // A block on disk may have been damaged since it was written.
      const bytes = await readBounded(chunks, Number.MAX_SAFE_INTEGER, what);
      checkBlockBytes(parsed, bytes);
      return bytes;
    });
  }

  /** A walk of the blockstore with a bounded read-ahead (dag-walk.ts). */
  async *exportDag(
    cid: ContentAddress,
    options: ExportDagOptions = {},
  ): AsyncGenerator<DagBlock, void, undefined> {
    const what = `export dag ${String(cid)}`;
    const op = this.#begin(what, options, undefined);
    try {
      yield* walkDag(this.#blocks, toCid(cid, 'cid'), op);
    } catch (error) {
      throw op.toError(error, what, heliaStorageError);
    }
  }

  async has(cid: ContentAddress, options: OperationOptions = {}): Promise<boolean> {
    return this.#run(`has ${String(cid)}`, options, this.#timeoutMs, async (op) =>
      this.#helia.blockstore.has(toCid(cid, 'cid'), { signal: op.signal }),
    );
  }

  async pin(cid: ContentAddress, options: PinOptions = {}): Promise<void> {
    await this.#run(`pin ${String(cid)}`, options, undefined, async (op) => {
      const parsed = toCid(cid, 'cid');
      await this.#gate.write(async () => this.#pins.pin(parsed, options.recursive ?? true, op));
    });
  }

  async unpin(cid: ContentAddress, options: OperationOptions = {}): Promise<void> {
    await this.#run(`unpin ${String(cid)}`, options, undefined, async (op) => {
      await this.#pins.unpin(toCid(cid, 'cid'), op);
    });
  }

  async isPinned(cid: ContentAddress, options: OperationOptions = {}): Promise<boolean> {
    return this.#run(`is pinned ${String(cid)}`, options, this.#timeoutMs, async (op) =>
      this.#pins.isPinned(toCid(cid, 'cid'), op),
    );
  }

  async gc(options: OperationOptions = {}): Promise<void> {
    await this.#run('gc', options, undefined, async (op) => {
      await this.#gate.collect(async () => this.#pins.collectGarbage(op));
    });
  }

  async health(): Promise<StoreHealth> {
    if (this.#closed) return { ok: false, detail: 'closed' };
    if (this.#helia.status !== 'started') return { ok: false, detail: `helia is ${this.#helia.status}` };
    try {
      await access(join(this.#dir, BLOCK_DB), constants.R_OK | constants.W_OK);
      return { ok: true, detail: `helia ${this.#helia.info.version} (embedded, offline) in ${this.#dir}` };
    } catch (error) {
      return { ok: false, detail: `blockstore not usable: ${(error as Error).message}` };
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#helia.stop();
    await this.#closeStores();
  }

  /** Writes raw blocks in LevelDB write batches (embedded-blockstore.ts). */
  async #putLeaves(leaves: ReadonlyMap<string, Uint8Array>, op: OperationSignal): Promise<void> {
    const blocks = [...leaves].map(([cid, bytes]) => ({ cid: toCid(cid, 'cid'), bytes }));
    await this.#blocks.putBatch(blocks, { signal: op.signal });
  }

  #checkAdded(cid: CID, expected: string): string {
    if (cid.toString() !== expected) {
      // The importer options are the protocol's own: a different CID is a bug, never data.
      throw new StorageError(
        StorageErrorCode.CidMismatch,
        `add file: the store made ${cid.toString()}, the protocol ${expected}`,
      );
    }
    return expected;
  }

  #begin(what: string, options: OperationOptions, defaultTimeoutMs: number | undefined): OperationSignal {
    if (this.#closed) throw new StorageError(StorageErrorCode.Closed, `${what}: the store is closed`);
    const op = new OperationSignal(options.timeoutMs ?? defaultTimeoutMs, options.signal);
    op.throwIfAborted(what);
    return op;
  }

  async #run<T>(
    what: string,
    options: OperationOptions,
    defaultTimeoutMs: number | undefined,
    fn: (op: OperationSignal, what: string) => Promise<T>,
  ): Promise<T> {
    const op = this.#begin(what, options, defaultTimeoutMs);
    try {
      return await fn(op, what);
    } catch (error) {
      throw op.toError(error, what, heliaStorageError);
    }
  }
}

/**
 * The protocol's pinned import options. Its progress callback type is the bare importer's, not
 * Helia's wider one, and the protocol never sets it: leave it out.
 */
function importerOptions(): Omit<ReturnType<typeof unixfsImporterOptions>, 'onProgress'> {
  return unixfsImporterOptions();
}
