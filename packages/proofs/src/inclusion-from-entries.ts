/**
 * The inclusion proof of one leaf from a batch's entries read once, in order, in O(log n) memory:
 * RFC 6962's PATH(m, D[n]) is the list of MTH(D[a:b]) of the complementary subtrees along the way
 * down to leaf m, so each entry is fed into the one streaming root accumulator of the subtree it
 * belongs to. A million-entry batch never sits in memory (MerkleTree.fromCids would hold ~100 MB).
 */
import {
  INCLUSION_PROOF_ALGORITHM,
  INCLUSION_PROOF_VERSION,
  MerkleRootAccumulator,
  isProtocolError,
  merkleLeafHashForCid,
  toHex,
  verifyInclusionProof,
} from '@anchorpost/protocol';
import type { InclusionProof } from '@anchorpost/protocol';
import { ProofError, ProofErrorCode } from './proof-error.ts';

export interface InclusionTarget {
  /** The tx-file CID expected at `index`. */
  leaf: string;
  index: number;
  /** The batch's recorded leaf count and root: the entries must give exactly these. */
  treeSize: number;
  root: string;
}

interface Subtree {
  start: number;
  end: number;
  accumulator: MerkleRootAccumulator;
}

/** The subtrees [start, end) whose roots form the path of `index`, leaf side first. */
export function inclusionSubtrees(index: number, treeSize: number): { start: number; end: number }[] {
  const ranges: { start: number; end: number }[] = [];
  let start = 0;
  let end = treeSize;
  while (end - start > 1) {
    // The split point: the largest power of two strictly below the size.
    let k = 1;
    while (k * 2 < end - start) k *= 2;
    if (index < start + k) {
      ranges.push({ start: start + k, end });
      end = start + k;
    } else {
      ranges.push({ start, end: start + k });
      start += k;
    }
  }
  return ranges.reverse();
}

export function inconsistent(message: string, cause?: unknown): never {
  throw new ProofError(
    ProofErrorCode.IndexInconsistent,
    'inclusion',
    message,
    cause === undefined ? undefined : { cause },
  );
}

/**
 * Builds the InclusionProof of `target.leaf` at `target.index` from the batch's entries, and
 * checks it against the recorded root and count before returning it: an index that disagrees
 * with itself yields INDEX_INCONSISTENT, never a proof that would fail later.
 */
export async function inclusionFromEntries(
  entries: AsyncIterable<string> | Iterable<string>,
  target: InclusionTarget,
): Promise<InclusionProof> {
  const subtrees: Subtree[] = inclusionSubtrees(target.index, target.treeSize).map((range) => ({
    ...range,
    accumulator: new MerkleRootAccumulator(),
  }));
  // Walk the subtrees in position order while the path keeps leaf-side-first order.
  const byPosition = [...subtrees].sort((a, b) => a.start - b.start);
  let next = 0;
  let position = 0;
  for await (const entry of entries) {
    if (position >= target.treeSize)
      inconsistent(`the batch has more entries than its count ${target.treeSize}`);
    if (position === target.index) {
      if (entry !== target.leaf) inconsistent(`entry ${position} is ${entry}, not ${target.leaf}`);
    } else {
      while (byPosition[next]!.end <= position) next += 1;
      byPosition[next]!.accumulator.add(merkleLeafHashForCid(entry, `entries[${position}]`));
    }
    position += 1;
  }
  if (position !== target.treeSize)
    inconsistent(`the batch has ${position} entries, its count is ${target.treeSize}`);
  return checkedInclusionProof(
    target,
    subtrees.map((subtree) => subtree.accumulator.root()),
  );
}

/**
 * The InclusionProof of `target` with `path` (leaf side first), checked against the recorded root
 * and count: an index that disagrees with itself yields INDEX_INCONSISTENT, never a proof that
 * would fail later. Shared by the full read and the tree-node read, so both give the same bytes.
 */
export function checkedInclusionProof(target: InclusionTarget, path: readonly Uint8Array[]): InclusionProof {
  const proof: InclusionProof = {
    version: INCLUSION_PROOF_VERSION,
    algorithm: INCLUSION_PROOF_ALGORITHM,
    leaf: target.leaf,
    index: target.index,
    treeSize: target.treeSize,
    path: path.map((hash) => toHex(hash)),
    root: target.root,
  };
  try {
    verifyInclusionProof(proof, { root: target.root, treeSize: target.treeSize });
  } catch (cause) {
    if (!isProtocolError(cause)) throw cause;
    inconsistent(`the batch's entries do not give its recorded root: ${cause.message}`, cause);
  }
  return proof;
}
