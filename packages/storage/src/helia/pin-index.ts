/**
 * Pins and garbage collection for the embedded store, kept in the datastore beside Helia's
 * blocks, the way Kubo keeps them: one record per pin, naming its root, and nothing per block.
 *
 *   /anchorpost/pin/<cid>             { recursive }   — one record per pin, written last
 *
 * A recursive pin walks its DAG first (every block must be there, NOT_FOUND otherwise) and then
 * writes its one record, so a pinned million-file batch costs one datastore file, not one per
 * block; GC marks every block reachable from the recursive pins (and the direct pins' roots) and
 * deletes the rest. Helia 7.1's own pins count pinners per block and under-count after this
 * sequence: pin A, pin B sharing blocks with A, unpin A, pin A again, unpin B — the shared blocks
 * are then collected although A is pinned. Here there is no count to get wrong (the contract
 * suite has a test for that sequence), and every step is one record written or deleted, so a pin
 * or unpin cut short is finished by doing it again. Earlier versions of this index also wrote a
 * record per pinned block (`/anchorpost/pinned-block/…`); GC deletes those leftovers. Pin changes
 * run one at a time; the caller keeps GC apart from them (GcGate).
 *
 * Costs: a recursive pin reads the DAG's inner blocks and checks each leaf's file is there (no
 * write per block). `isPinned` of a block that is no pin's root walks the recursive pins until it
 * finds it, as Kubo's `pin ls <cid>` does; GC holds the marked blocks' multihashes in memory
 * (about 100 bytes each).
 */
import * as dagCbor from '@ipld/dag-cbor';
import type { Blockstore } from 'interface-blockstore';
import type { FsDatastore } from 'datastore-fs';
import { Key } from 'interface-datastore';
import { base32 } from 'multiformats/bases/base32';
import { CID } from 'multiformats/cid';
import { CidCodec } from '@anchorpost/protocol';
import { readBounded } from '../bounded-bytes.ts';
import { StorageError, StorageErrorCode } from '@anchorpost/storage-port';
import { linksOf } from './dag-links.ts';

const PIN_PREFIX = '/anchorpost/pin/';
/** The pins' folder, as a query prefix (datastore-fs globs `<prefix>/**`). */
const PIN_QUERY_PREFIX = '/anchorpost/pin';
/** Written by earlier versions, one per pinned block; no longer read, deleted by GC. */
const LEGACY_PINNED_BLOCK_PREFIX = '/anchorpost/pinned-block';
/**
 * Blocks a walk visits at once: each visit is a file read or a presence check, and 32 keeps
 * libuv's thread pool (4 threads) busy without queueing thousands of file operations.
 */
const WALK_CONCURRENCY = 32;

interface PinRecord {
  recursive: boolean;
}

interface Signal {
  signal?: AbortSignal | undefined;
}

/** What a walk does with a missing block: fail the walk (a pin), or leave it out (GC, look-ups). */
type Missing = 'fail' | 'skip';

export class PinIndex {
  readonly #blocks: Blockstore;
  readonly #datastore: FsDatastore;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(blocks: Blockstore, datastore: FsDatastore) {
    this.#blocks = blocks;
    this.#datastore = datastore;
  }

  /**
   * Pins `root` (with everything it links if recursive); an existing pin of the other kind becomes
   * the kind asked for. A pin that fails (a block is missing) leaves things as they were.
   */
  async pin(root: CID, recursive: boolean, options: Signal = {}): Promise<void> {
    await this.#serially(async () => {
      const existing = await this.#record(root, options);
      if (existing?.recursive === recursive) return;
      // Every block first, the record last: a pin cut short is no pin at all.
      await this.#walk(root, recursive, 'fail', options, () => false);
      await this.#datastore.put(pinKey(root), dagCbor.encode({ recursive }), options);
    });
  }

  /** Removes `root`'s own pin. Blocks other pins keep stay. */
  async unpin(root: CID, options: Signal = {}): Promise<void> {
    await this.#serially(async () => {
      if ((await this.#record(root, options)) !== undefined)
        await this.#datastore.delete(pinKey(root), options);
    });
  }

  /** Whether any pin keeps the block: its own, or a recursive pin whose DAG links it. */
  async isPinned(cid: CID, options: Signal = {}): Promise<boolean> {
    if ((await this.#record(cid, options)) !== undefined) return true;
    const wanted = blockKey(cid);
    for await (const [root, record] of this.#pins(options)) {
      if (!record.recursive) continue;
      // An object, not a `let`: set inside the visit, read after the walk.
      const search = { found: false };
      await this.#walk(root, true, 'skip', options, (visited) => {
        search.found = blockKey(visited) === wanted;
        return search.found;
      });
      if (search.found) return true;
    }
    return false;
  }

  /** Deletes every block no pin keeps. The caller makes sure no write runs meanwhile. */
  async collectGarbage(options: Signal = {}): Promise<number> {
    const kept = new Set<string>();
    for await (const [root, record] of this.#pins(options)) {
      if (!record.recursive) kept.add(blockKey(root));
      else
        await this.#walk(root, true, 'skip', options, (visited) => {
          kept.add(blockKey(visited));
          return false;
        });
    }
    let deleted = 0;
    for await (const { cid } of this.#blocks.getAll(options)) {
      if (kept.has(blockKey(cid))) continue;
      await this.#blocks.delete(cid, options);
      deleted += 1;
    }
    for await (const key of this.#datastore.queryKeys({ prefix: LEGACY_PINNED_BLOCK_PREFIX }, options))
      await this.#datastore.delete(key, options);
    return deleted;
  }

  /** Every pin record: root and kind. */
  async *#pins(options: Signal): AsyncGenerator<[CID, PinRecord]> {
    for await (const { key, value } of this.#datastore.query({ prefix: PIN_QUERY_PREFIX }, options))
      yield [CID.parse(key.toString().slice(PIN_PREFIX.length)), dagCbor.decode<PinRecord>(value)];
  }

  /**
   * Visits `root` and, if recursive, every block below it, handing each block that is there to
   * `visit` (which may end the walk by answering true). Blocks are taken from an explicit stack
   * up to WALK_CONCURRENCY at a time, but only one block with links per round (nextRound). Raw leaves are only checked for presence, not read, and
   * only when a missing one must fail the walk. A block that is not there fails the walk
   * (NOT_FOUND, once every visit under way has ended) or is skipped with what lies below it.
   */
  async #walk(
    root: CID,
    recursive: boolean,
    missing: Missing,
    options: Signal,
    visit: (cid: CID) => boolean,
  ): Promise<void> {
    const step = async (cid: CID): Promise<CID[] | undefined> => {
      if (recursive && cid.code !== CidCodec.Raw) {
        const bytes = await this.#read(cid, options);
        if (bytes !== undefined) return linksOf(cid, bytes);
      } else if (missing === 'skip' || (await this.#blocks.has(cid, options))) return [];
      if (missing === 'fail') throw notFound(root, cid);
      return undefined;
    };
    const stack: CID[] = [root];
    while (stack.length > 0) {
      options.signal?.throwIfAborted();
      const round = nextRound(stack);
      const outcomes = await Promise.allSettled(round.map(step));
      const failed = outcomes.find((outcome) => outcome.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
      for (let i = outcomes.length - 1; i >= 0; i -= 1) {
        const links = (outcomes[i] as PromiseFulfilledResult<CID[] | undefined>).value;
        if (links === undefined) continue;
        if (visit(round[i]!)) return;
        for (let j = links.length - 1; j >= 0; j -= 1) stack.push(links[j]!);
      }
    }
  }

  async #read(cid: CID, options: Signal): Promise<Uint8Array | undefined> {
    try {
      return await readBounded(
        this.#blocks.get(cid, options),
        Number.MAX_SAFE_INTEGER,
        `read ${cid.toString()}`,
      );
    } catch (error) {
      if ((error as Error).name === 'NotFoundError') return undefined;
      throw error;
    }
  }

  async #record(root: CID, options: Signal): Promise<PinRecord | undefined> {
    try {
      return dagCbor.decode<PinRecord>(await this.#datastore.get(pinKey(root), options));
    } catch (error) {
      if ((error as Error).name === 'NotFoundError') return undefined;
      throw error;
    }
  }

  async #serially<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(fn);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}

/**
 * The next blocks to visit, in stack order: up to WALK_CONCURRENCY raw leaves, and at most one
 * block with links, which ends the round. A batch page names 16,384 CIDs: visiting 32 pages at
 * once held half a million decoded CIDs (a 100,000-file seal's pin grew the process by 110 MiB);
 * one at a time, the stack holds one page's links and the path to it.
 */
function nextRound(stack: CID[]): CID[] {
  const round: CID[] = [];
  while (round.length < WALK_CONCURRENCY && stack.length > 0) {
    const cid = stack.pop()!;
    round.push(cid);
    if (cid.code !== CidCodec.Raw) break;
  }
  return round;
}

function pinKey(cid: CID): Key {
  return new Key(`${PIN_PREFIX}${cid.toString()}`);
}

/** By multihash: the same bytes under another codec are the same block on disk. */
function blockKey(cid: CID): string {
  return base32.encode(cid.multihash.bytes);
}

function notFound(root: CID, cid: CID): StorageError {
  const where = cid.toString() === root.toString() ? '' : ` (linked from ${root.toString()})`;
  return new StorageError(StorageErrorCode.NotFound, `block ${cid.toString()}${where} is not in the store`);
}
