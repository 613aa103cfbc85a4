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
import type { CID } from 'multiformats/cid';

interface AbortOptions {
  signal?: AbortSignal;
}

/** `<dir>/blockdb`: the LevelDB database of blocks. */
export const BLOCK_DB = 'blockdb';
/** `<dir>/blocks`: one file per block, as earlier versions wrote them; read, never written. */
export const LEGACY_BLOCKS = 'blocks';

export class EmbeddedBlockstore extends BaseBlockstore {
  readonly #db: LevelBlockstore;
  readonly #legacy: FsBlockstore | undefined;

  private constructor(db: LevelBlockstore, legacy: FsBlockstore | undefined) {
    super();
    this.#db = db;
    this.#legacy = legacy;
  }

  /** Opens (creating) the database in `dir`, and the old block folder if `dir` has one. */
  static async open(dir: string): Promise<EmbeddedBlockstore> {
    const legacyDir = join(dir, LEGACY_BLOCKS);
    const legacy = (await exists(legacyDir)) ? new FsBlockstore(legacyDir, { createIfMissing: false }) : undefined;
    await legacy?.open();
    const db = new LevelBlockstore(join(dir, BLOCK_DB));
    await db.open();
    return new EmbeddedBlockstore(db, legacy);
  }

  override async put(
    cid: CID,
    bytes: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
    options?: AbortOptions,
  ): Promise<CID> {
    return this.#db.put(cid, bytes, options);
  }

  override async *get(cid: CID, options?: AbortOptions): AsyncGenerator<Uint8Array> {
    const bytes = await this.#fromDb(cid, options);
    if (bytes !== undefined) yield bytes;
    else if (this.#legacy !== undefined) yield* this.#legacy.get(cid, options);
    else throw new NotFoundError(`block ${cid.toString()} not found`);
  }

  override async has(cid: CID, options?: AbortOptions): Promise<boolean> {
    if (await this.#db.has(cid, options)) return true;
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

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
