/**
 * Streaming MTH (RFC 6962 §2.1): the root of any number of leaves in O(log n) memory.
 *
 * The tree for n leaves splits at the largest power of two below n, so it is a row of perfect
 * subtrees whose sizes are the set bits of n, largest first. We keep exactly that row as a stack:
 * a new leaf is a perfect subtree of size 1, and two neighbours of equal size merge. The root folds
 * the row from the right, which is MTH's recursion unrolled. Odd counts are never padded.
 * The stack is one flat buffer (at most 53 subtrees for 2^53 leaves), so adding allocates nothing.
 */
import { ErrorCode, ProtocolError } from '../errors.ts';
import {
  EMPTY_TREE_ROOT,
  MERKLE_HASH_SIZE,
  merkleLeafHashInto,
  merkleNodeHash,
  merkleNodeHashAt,
} from './hash.ts';

const H = MERKLE_HASH_SIZE;
const MAX_DEPTH = 64;

export class MerkleRootAccumulator {
  /** Stack of perfect-subtree roots, bottom (largest) first, 32 bytes each. */
  readonly #stack = new Uint8Array(MAX_DEPTH * H);
  /** Leaf count of each stacked subtree (powers of two, strictly decreasing). */
  readonly #sizes: number[] = [];
  #count = 0;

  /** Number of leaves added so far. */
  get size(): number {
    return this.#count;
  }

  /** Appends one leaf hash (already `SHA-256(0x00 ‖ leaf)`). */
  add(leafHash: Uint8Array): void {
    if (leafHash.byteLength !== H) {
      throw new ProtocolError(ErrorCode.BadProof, `leaves[${this.#count}]`, 'a leaf hash has 32 bytes');
    }
    this.#stack.set(leafHash, this.#sizes.length * H);
    this.#push();
  }

  /** Appends one leaf by its data (e.g. a CID's bytes), hashing it as RFC 6962 leaf. */
  addLeafData(leafData: Uint8Array): void {
    merkleLeafHashInto(leafData, this.#stack, this.#sizes.length * H);
    this.#push();
  }

  /** The new subtree of size 1 is in place above the stack; merge equal neighbours. */
  #push(): void {
    const sizes = this.#sizes;
    let size = 1;
    while (sizes.length > 0 && sizes[sizes.length - 1] === size) {
      sizes.pop();
      // Left sibling and the new subtree sit side by side: hash them into the left's slot.
      merkleNodeHashAt(this.#stack, sizes.length * H, sizes.length * H);
      size *= 2;
    }
    sizes.push(size);
    this.#count += 1;
  }

  /** MTH of the leaves added so far; adding more afterwards is allowed. */
  root(): Uint8Array {
    const depth = this.#sizes.length;
    if (depth === 0) return EMPTY_TREE_ROOT.slice();
    const at = (i: number): Uint8Array => this.#stack.subarray(i * H, (i + 1) * H);
    let root: Uint8Array = at(depth - 1).slice();
    for (let i = depth - 2; i >= 0; i -= 1) root = merkleNodeHash(at(i), root);
    return root;
  }
}

/** MTH over leaf hashes from any (async) iterable, without holding them. */
export async function merkleRoot(
  leafHashes: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): Promise<Uint8Array> {
  const accumulator = new MerkleRootAccumulator();
  for await (const leafHash of leafHashes) accumulator.add(leafHash);
  return accumulator.root();
}

/** Synchronous form of `merkleRoot` for in-memory leaves. */
export function merkleRootSync(leafHashes: Iterable<Uint8Array>): Uint8Array {
  const accumulator = new MerkleRootAccumulator();
  for (const leafHash of leafHashes) accumulator.add(leafHash);
  return accumulator.root();
}
