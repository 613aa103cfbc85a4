/**
 * A bounded LRU of checked batch headers for the proof API: the proof's `batch` (root block in
 * base64, checked by `checkBatchHeader`: it hashes to the batch CID and every field agrees), per
 * batch. What it saves per proof is the root block's SHA-256, its DAG-CBOR decoding and the CID
 * and base64 texts.
 *
 * An entry is used only while the index row it was checked from is unchanged: every lookup hands
 * in the row just read and compares its fields and root block bytes with the cached ones, so a
 * row that was rebuilt, corrected or tampered with after caching is checked afresh, never served
 * from the cache. Anchors are never cached (a re-anchor or reorg changes them), and neither is
 * anything else a proof reads per request.
 */
import type { BatchRecord } from '@anchorpost/db-port';
import type { ProofBatch } from './tx-file-proof.ts';

/** Default capacity: 1,000 batches, a few hundred bytes each. */
export const DEFAULT_BATCH_HEADER_CACHE_BATCHES = 1_000;

export type CheckedBatchHeader = ProofBatch & { rootBlock: string };

interface Entry {
  row: BatchRecord & { rootBlock: Uint8Array };
  header: CheckedBatchHeader;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index += 1) if (a[index] !== b[index]) return false;
  return true;
}

function sameRow(cached: Entry['row'], row: BatchRecord): boolean {
  return (
    row.rootBlock !== undefined &&
    cached.platform === row.platform &&
    cached.sequence === row.sequence &&
    cached.count === row.count &&
    cached.merkleRoot === row.merkleRoot &&
    cached.sealedAt === row.sealedAt &&
    cached.previousCid === row.previousCid &&
    sameBytes(cached.rootBlock, row.rootBlock)
  );
}

export class BatchHeaderCache {
  readonly capacity: number;
  /** Insertion order is recency order: a hit moves its key to the end. */
  readonly #entries = new Map<string, Entry>();

  constructor(capacity = DEFAULT_BATCH_HEADER_CACHE_BATCHES) {
    if (!Number.isSafeInteger(capacity) || capacity < 0) {
      throw new RangeError(`batch header cache capacity must be a non-negative integer, got ${capacity}`);
    }
    this.capacity = capacity;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The header checked from exactly this row, or undefined (then check it and `set` it). */
  get(row: BatchRecord): CheckedBatchHeader | undefined {
    const entry = this.#entries.get(row.cid);
    if (entry === undefined) return undefined;
    if (!sameRow(entry.row, row)) {
      this.#entries.delete(row.cid);
      return undefined;
    }
    this.#entries.delete(row.cid);
    this.#entries.set(row.cid, entry);
    return { ...entry.header };
  }

  /** Keeps the header checked from `row` (a row without its root block is never checked, so never kept). */
  set(row: BatchRecord, header: CheckedBatchHeader): void {
    if (this.capacity === 0 || row.rootBlock === undefined) return;
    this.#entries.delete(row.cid);
    this.#entries.set(row.cid, {
      row: { ...row, rootBlock: new Uint8Array(row.rootBlock) },
      header: { ...header },
    });
    while (this.#entries.size > this.capacity) this.#entries.delete(this.#entries.keys().next().value!);
  }
}
