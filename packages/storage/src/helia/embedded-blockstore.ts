/**
 * The embedded store's blocks: a LevelDB database (`<dir>/blockdb`, blockstore-level), read
 * through to the one-file-per-block folder (`<dir>/blocks`, blockstore-fs) that earlier versions
 * wrote, when there is one. ADR 0048: a block file costs its mkdir, temp file, write, close and
 * rename, ~500 µs of CPU a block measured, nearly all in the kernel; a LevelDB put ~30 µs.
 *
 * New blocks go to LevelDB only. A block is read from LevelDB, else from the old folder; `has`
 * asks both, `delete` deletes from both and `getAll` lists both (GC), so a store written by an
 * earlier version opens and serves its blocks, its pins still hold them, and GC still frees
 * them, with no migration step. A put is in LevelDB's log once it resolves (written, not
 * fsynced: as durable as the renamed files were), and each log record carries a checksum, so a
 * crash mid-write loses the record whole instead of leaving a torn block (test/crash.test.ts).
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { BaseBlockstore } from 'blockstore-core';
import { FsBlockstore } from 'blockstore-fs';
import { LevelBlockstore } from 'blockstore-level';
import type { Pair } from 'interface-blockstore';
import { NotFoundError } from 'interface-store';
import { Level } from 'level';
import { base32upper } from 'multiformats/bases/base32';
import type { CID } from 'multiformats/cid';
import { StorageError, StorageErrorCode } from '@anchorpost/storage-port';

interface AbortOptions {
  signal?: AbortSignal;
}

/** `<dir>/blockdb`: the LevelDB database of blocks. */
export const BLOCK_DB = 'blockdb';
/** `<dir>/blocks`: one file per block, as earlier versions wrote them; read, never written. */
export const LEGACY_BLOCKS = 'blocks';

/** Blocks in one LevelDB write batch (a tx-file is ~1 KiB, a chunk at most 256 KiB). */
const BATCH_BLOCKS = 64;

/** blockstore-level's own: keys are `/` + the multihash in base32, values the bytes. */
const LEVEL_ENCODINGS = { keyEncoding: 'utf8', valueEncoding: 'view' } as const;

export class EmbeddedBlockstore extends BaseBlockstore {
  readonly #level: Level<string, Uint8Array>;
  readonly #db: LevelBlockstore;
  readonly #legacy: FsBlockstore | undefined;

  private constructor(level: Level<string, Uint8Array>, legacy: FsBlockstore | undefined) {
    super();
    this.#level = level;
    this.#db = new LevelBlockstore(level);
    this.#legacy = legacy;
  }

  /** Opens (creating) the database in `dir`, and the old block folder if `dir` has one. */
  static async open(dir: string): Promise<EmbeddedBlockstore> {
    const legacyDir = join(dir, LEGACY_BLOCKS);
    const legacy = (await exists(legacyDir))
      ? new FsBlockstore(legacyDir, { createIfMissing: false })
      : undefined;
    await legacy?.open();
    // Opened here rather than by blockstore-level, which drops the reason (LEVEL_LOCKED) it failed.
    const level = new Level<string, Uint8Array>(join(dir, BLOCK_DB), LEVEL_ENCODINGS);
    try {
      await level.open({ createIfMissing: true, compression: false });
    } catch (error) {
      await legacy?.close();
      throw lockedError(error, dir) ?? error;
    }
    return new EmbeddedBlockstore(level, legacy);
  }

  override async put(
    cid: CID,
    bytes: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
    options?: AbortOptions,
  ): Promise<CID> {
    return this.#db.put(cid, bytes, options);
  }

  /**
   * Writes `blocks` in LevelDB write batches of BATCH_BLOCKS (one log record each): ~9 µs
   * of CPU a block against ~22 µs for puts 4 at a time (ADR 0048). All or none of a batch is in.
   */
  async putBatch(blocks: readonly { cid: CID; bytes: Uint8Array }[], options?: AbortOptions): Promise<void> {
    for (let from = 0; from < blocks.length; from += BATCH_BLOCKS) {
      options?.signal?.throwIfAborted();
      await this.#level.batch(
        blocks.slice(from, from + BATCH_BLOCKS).map(({ cid, bytes }) => ({
          type: 'put' as const,
          key: blockKey(cid),
          value: bytes,
        })),
      );
    }
  }

  override async *get(cid: CID, options?: AbortOptions): AsyncGenerator<Uint8Array> {
    const bytes = await this.#fromDb(cid, options);
    if (bytes !== undefined) yield bytes;
    else if (this.#legacy !== undefined) yield* this.#legacy.get(cid, options);
    else throw new NotFoundError(`block ${cid.toString()} not found`);
  }

  override async has(cid: CID, options?: AbortOptions): Promise<boolean> {
    options?.signal?.throwIfAborted();
    // LevelDB's own `has`: blockstore-level's reads and copies the block to answer.
    if (await this.#level.has(blockKey(cid))) return true;
    return (await this.#legacy?.has(cid, options)) ?? false;
  }

  override async delete(cid: CID, options?: AbortOptions): Promise<void> {
    await this.#db.delete(cid, options);
    await this.#legacy?.delete(cid, options);
  }

  override async *getAll(options?: AbortOptions): AsyncGenerator<Pair> {
    yield* this.#db.getAll(options);
    if (this.#legacy !== undefined) yield* this.#legacy.getAll(options);
  }

  async close(): Promise<void> {
    await this.#db.close();
    await this.#legacy?.close();
  }

  async #fromDb(cid: CID, options: AbortOptions | undefined): Promise<Uint8Array | undefined> {
    try {
      for await (const bytes of this.#db.get(cid, options)) return bytes;
      return undefined;
    } catch (error) {
      if ((error as Error).name === 'NotFoundError') return undefined;
      throw error;
    }
  }
}

/** blockstore-level's key of a block: `/` and its multihash in base32 (upper case, prefixed). */
function blockKey(cid: CID): string {
  return `/${base32upper.encoder.encode(cid.multihash.bytes)}`;
}

/** LevelDB's lock: another store (in this process or another) has the folder open. */
function lockedError(error: unknown, dir: string): StorageError | undefined {
  if ((error as { cause?: { code?: unknown } }).cause?.code !== 'LEVEL_LOCKED') return undefined;
  return new StorageError(StorageErrorCode.Unavailable, `the store folder ${dir} is open in another store`, {
    cause: error,
  });
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
