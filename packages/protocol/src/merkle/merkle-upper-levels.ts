/**
 * The upper levels of an RFC 6962 tree, built while its leaves stream past, for an index that
 * wants O(log n) inclusion proofs without keeping the whole tree.
 *
 * Level `base` holds MTH of each run of 2^base leaves (the last run may be shorter); each level
 * above pairs the one below as MerkleTree does, a lone last node moving up unchanged, up to the
 * root. Node i of level j is therefore MTH(D[i·2^j : min((i+1)·2^j, n)]), and every subtree on
 * an inclusion path of at least 2^base leaves is one of these nodes (see `merkleNodeOfRange`).
 * Memory: about n / 2^(base-1) hashes.
 */
import { ErrorCode, ProtocolError } from '../errors.ts';
import { merkleNodeHash } from './hash.ts';
import { MerkleRootAccumulator } from './merkle-root.ts';

/** Highest base level accepted: runs of up to 2^16 leaves. */
export const MAX_UPPER_LEVELS_BASE = 16;

export interface MerkleUpperLevelsResult {
  /** The level of `levels[0]`: runs of 2^base leaves. */
  readonly base: number;
  /** levels[k] is tree level base + k, left to right; the last one holds only the root. */
  readonly levels: readonly (readonly Uint8Array[])[];
}

export class MerkleUpperLevels {
  readonly base: number;
  readonly #runSize: number;
  readonly #baseLevel: Uint8Array[] = [];
  #run = new MerkleRootAccumulator();

  constructor(base: number) {
    if (!Number.isInteger(base) || base < 0 || base > MAX_UPPER_LEVELS_BASE) {
      throw new ProtocolError(ErrorCode.OutOfRange, 'base', `base level must be 0…${MAX_UPPER_LEVELS_BASE}`);
    }
    this.base = base;
    this.#runSize = 2 ** base;
  }

  /** Appends one leaf hash (already `SHA-256(0x00 ‖ leaf)`). */
  add(leafHash: Uint8Array): void {
    this.#run.add(leafHash);
    if (this.#run.size === this.#runSize) {
      this.#baseLevel.push(this.#run.root());
      this.#run = new MerkleRootAccumulator();
    }
  }

  /** The levels from `base` up to the root; an empty tree has none. */
  finish(): MerkleUpperLevelsResult {
    const level = [...this.#baseLevel];
    if (this.#run.size > 0) level.push(this.#run.root());
    if (level.length === 0) return { base: this.base, levels: [] };
    const levels: Uint8Array[][] = [level];
    for (let below = level; below.length > 1;) {
      const above: Uint8Array[] = [];
      for (let i = 0; i < below.length; i += 2) {
        above.push(i + 1 < below.length ? merkleNodeHash(below[i]!, below[i + 1]!) : below[i]!);
      }
      levels.push(above);
      below = above;
    }
    return { base: this.base, levels };
  }
}

/**
 * The node (level, index) of the RFC 6962 tree of `treeSize` leaves whose subtree is exactly
 * leaves [start, end): the subtrees on an inclusion path are aligned — perfect ones of 2^j
 * leaves, or a right edge [start, treeSize) shorter than the 2^j its start is aligned to.
 */
export function merkleNodeOfRange(
  start: number,
  end: number,
  treeSize: number,
): { level: number; index: number } {
  const size = end - start;
  let level = 0;
  while (2 ** level < size) level += 1;
  const width = 2 ** level;
  if (size < 1 || start % width !== 0 || end !== Math.min(start + width, treeSize)) {
    throw new ProtocolError(
      ErrorCode.BadProof,
      'range',
      `leaves [${start}, ${end}) are no subtree of a tree of ${treeSize}`,
    );
  }
  return { level, index: start / width };
}
