/**
 * Pins and garbage collection for the embedded store, kept in the datastore beside Helia's
 * blocks. Helia 7.1's own pins under-count after this sequence: pin A, pin B sharing blocks with A,
 * unpin A, pin A again, unpin B — the shared blocks are then collected although A is pinned
 * (its `pins.rm` keeps the wrong entries of each block's `pinnedBy` list, and `pins.add` then
 * skips blocks it wrongly thinks A already counts). The contract suite has a test for that sequence.
 *
 *   /anchorpost/pin/<cid>             { recursive }   — one record per pin, written last
 *   /anchorpost/pinned-block/<mh>     [pin CID …]     — the pins keeping this block; absent = collectable
 *
 * Each block records *which* pins keep it (a set, not a count), so repeating any step is
 * harmless: a pin or unpin cut short is finished by doing it again. Pin changes run one at a time
 * (they read-modify-write shared block records); the caller keeps GC apart from them (GcGate).
 */
import * as dagCbor from '@ipld/dag-cbor';
import type { FsBlockstore } from 'blockstore-fs';
import type { FsDatastore } from 'datastore-fs';
import { Key } from 'interface-datastore';
import { base32 } from 'multiformats/bases/base32';
import { CID } from 'multiformats/cid';
import { CidCodec } from '@anchorpost/protocol';
import { readBounded } from '../bounded-bytes.ts';
import { StorageError, StorageErrorCode } from '@anchorpost/storage-port';
import { linksOf } from './dag-links.ts';

const PIN_PREFIX = '/anchorpost/pin/';
const PINNED_BLOCK_PREFIX = '/anchorpost/pinned-block/';
/**
 * Blocks a walk visits at once. Visits of one walk touch distinct block records (a DAG that links
 * a block twice makes the same change to it twice, which is harmless); 32 keeps libuv's thread
 * pool (4 threads) busy without queueing thousands of file operations.
 */
const WALK_CONCURRENCY = 32;

interface PinRecord {
  recursive: boolean;
}

interface Signal {
  signal?: AbortSignal | undefined;
}

export class PinIndex {
  readonly #blocks: FsBlockstore;
  readonly #datastore: FsDatastore;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(blocks: FsBlockstore, datastore: FsDatastore) {
    this.#blocks = blocks;
    this.#datastore = datastore;
  }

  /**
   * Pins `root` (with everything it links if recursive); an existing pin of the other kind becomes
   * the kind asked for. A recursive pin that fails (a block is missing) leaves things as they were.
   */
  async pin(root: CID, recursive: boolean, options: Signal = {}): Promise<void> {
    await this.#serially(async () => {
      const existing = await this.#record(root, options);
      if (existing?.recursive === recursive) return;
      const mark = async (cid: CID): Promise<void> => this.#changePinners(cid, root, 'add', options);
      if (recursive) {
        try {
          await this.#walk(root, true, 'fail', options, mark);
        } catch (error) {
          // Take back the marks just made; a direct pin that was there stays.
          await this.#release(root, {});
          if (existing !== undefined) await this.#walk(root, false, 'skip', {}, mark);
          throw error;
        }
      } else if (existing !== undefined) {
        // Recursive to direct. Record first: if cut short, the leftover marks are only a leak,
        // and the next unpin releases them.
        await this.#putRecord(root, { recursive: false }, options);
        await this.#release(root, options);
        await this.#walk(root, false, 'skip', options, mark);
        return;
      } else {
        await this.#walk(root, false, 'fail', options, mark);
      }
      await this.#putRecord(root, { recursive }, options);
    });
  }

  /** Removes `root`'s own pin, and any marks a pin cut short left behind. */
  async unpin(root: CID, options: Signal = {}): Promise<void> {
    await this.#serially(async () => {
      const existing = await this.#record(root, options);
      // A pin cut short marks the root block first: no record and no mark there, nothing to undo.
      const marked = async (): Promise<boolean> =>
        (await this.#pinners(root, options)).some((pinner) => pinner.equals(root));
      if (existing === undefined && !(await marked())) return;
      await this.#release(root, options);
      await this.#datastore.delete(pinKey(root), options);
    });
  }

  /** Whether any pin keeps the block. */
  async isPinned(cid: CID, options: Signal = {}): Promise<boolean> {
    return this.#datastore.has(pinnedBlockKey(cid), options);
  }

  /** Deletes every block no pin keeps. The caller makes sure no write runs meanwhile. */
  async collectGarbage(options: Signal = {}): Promise<number> {
    let deleted = 0;
    for await (const { cid } of this.#blocks.getAll(options)) {
      if (await this.isPinned(cid, options)) continue;
      await this.#blocks.delete(cid, options);
      deleted += 1;
    }
    return deleted;
  }

  /**
   * Takes `root` off every block below it. Always walks the whole DAG, whatever the pin's kind,
   * so marks left by a pin cut short or a changed kind are released too; missing blocks are skipped.
   */
  async #release(root: CID, options: Signal): Promise<void> {
    await this.#walk(root, true, 'skip', options, async (cid) =>
      this.#changePinners(cid, root, 'remove', options),
    );
  }

  async #putRecord(root: CID, record: PinRecord, options: Signal): Promise<void> {
    await this.#datastore.put(pinKey(root), dagCbor.encode(record), options);
  }

  /**
   * Visits `root` and, if recursive, every block below it. Blocks are taken from an explicit stack
   * up to WALK_CONCURRENCY at a time: each visit is a few datastore round trips (a file each), so
   * one at a time left the process idle on a million-file batch. The root is always visited alone
   * and first (unpin relies on a pin cut short having marked it first). Raw leaves are only
   * checked for presence, not read. A block that is not there fails the walk (NOT_FOUND, once
   * every visit under way has ended) or is skipped with what lies below it.
   */
  async #walk(
    root: CID,
    recursive: boolean,
    missing: 'fail' | 'skip',
    options: Signal,
    visit: (cid: CID) => Promise<void>,
  ): Promise<void> {
    const step = async (cid: CID): Promise<CID[]> => {
      let links: CID[] = [];
      if (recursive && cid.code !== CidCodec.Raw) {
        let bytes: Uint8Array | undefined;
        try {
          bytes = await readBounded(
            this.#blocks.get(cid, options),
            Number.MAX_SAFE_INTEGER,
            `read ${cid.toString()}`,
          );
        } catch (error) {
          if ((error as Error).name !== 'NotFoundError') throw error;
        }
        if (bytes !== undefined) links = linksOf(cid, bytes);
        else if (missing === 'fail') throw notFound(root, cid);
        else return [];
      } else if (!(await this.#blocks.has(cid, options))) {
        if (missing === 'fail') throw notFound(root, cid);
        return [];
      }
      await visit(cid);
      return links;
    };
    const stack: CID[] = [root];
    while (stack.length > 0) {
      options.signal?.throwIfAborted();
      const round = stack.splice(Math.max(0, stack.length - WALK_CONCURRENCY)).reverse();
      const outcomes = await Promise.allSettled(round.map(step));
      const failed = outcomes.find((outcome) => outcome.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
      for (let i = outcomes.length - 1; i >= 0; i -= 1) {
        const links = (outcomes[i] as PromiseFulfilledResult<CID[]>).value;
        for (let j = links.length - 1; j >= 0; j -= 1) stack.push(links[j]!);
      }
    }
  }

  async #changePinners(cid: CID, root: CID, change: 'add' | 'remove', options: Signal): Promise<void> {
    const pinners = await this.#pinners(cid, options);
    const has = pinners.some((pinner) => pinner.equals(root));
    if (change === 'add' && !has) {
      await this.#datastore.put(pinnedBlockKey(cid), dagCbor.encode([...pinners, root]), options);
    } else if (change === 'remove' && has) {
      const rest = pinners.filter((pinner) => !pinner.equals(root));
      if (rest.length === 0) await this.#datastore.delete(pinnedBlockKey(cid), options);
      else await this.#datastore.put(pinnedBlockKey(cid), dagCbor.encode(rest), options);
    }
  }

  async #pinners(cid: CID, options: Signal): Promise<CID[]> {
    const bytes = await this.#getOrUndefined(pinnedBlockKey(cid), options);
    if (bytes === undefined) return [];
    const value: unknown = dagCbor.decode(bytes);
    return Array.isArray(value)
      ? value.map((entry) => CID.asCID(entry)).filter((entry) => entry !== null)
      : [];
  }

  async #record(root: CID, options: Signal): Promise<PinRecord | undefined> {
    const bytes = await this.#getOrUndefined(pinKey(root), options);
    return bytes === undefined ? undefined : dagCbor.decode<PinRecord>(bytes);
  }

  async #getOrUndefined(key: Key, options: Signal): Promise<Uint8Array | undefined> {
    try {
      return await this.#datastore.get(key, options);
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

function pinKey(cid: CID): Key {
  return new Key(`${PIN_PREFIX}${cid.toString()}`);
}

/** By multihash: the same bytes under another codec are the same block on disk. */
function pinnedBlockKey(cid: CID): Key {
  return new Key(`${PINNED_BLOCK_PREFIX}${base32.encode(cid.multihash.bytes)}`);
}

function notFound(root: CID, cid: CID): StorageError {
  const where = cid.toString() === root.toString() ? '' : ` (linked from ${root.toString()})`;
  return new StorageError(StorageErrorCode.NotFound, `block ${cid.toString()}${where} is not in the store`);
}
