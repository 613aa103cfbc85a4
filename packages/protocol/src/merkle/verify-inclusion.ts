/** Inclusion proof verification, exactly RFC 9162 §2.1.3.2. */
import { ProtocolError } from '../errors.ts';
import { fromHex } from '../bytes.ts';
import { merkleLeafHashForCid, merkleNodeHash } from './hash.ts';
import type { InclusionProof } from './inclusion-proof.ts';
import {
  checkComputedRoot,
  checkInclusionClaims,
  checkPathElements,
  inclusionPathSides,
} from './inclusion-path.ts';
import type { InclusionExpectation } from './inclusion-path.ts';

export { inclusionPathLength } from './inclusion-path.ts';
export type { InclusionExpectation } from './inclusion-path.ts';

/** The root that `path` leads to from `leafHash` (steps 1–5 up to the final comparison). */
export function rootFromInclusionPath(
  leafHash: Uint8Array,
  index: number,
  treeSize: number,
  path: readonly Uint8Array[],
): Uint8Array {
  const sides = inclusionPathSides(index, treeSize, path.length);
  checkPathElements(path);
  let r = leafHash;
  for (const [i, p] of path.entries()) r = sides[i] ? merkleNodeHash(p, r) : merkleNodeHash(r, p);
  return r;
}

/**
 * Throws BAD_PROOF (naming the field and the reason) unless `proof` is well formed and its path
 * leads from `SHA-256(0x00 ‖ cidBytes(leaf))` to `proof.root`, and the proof is about the
 * expected tree when `expected` says which.
 */
export function verifyInclusionProof(proof: InclusionProof, expected: InclusionExpectation = {}): void {
  const checked = checkInclusionClaims(proof, expected);
  const leafHash = merkleLeafHashForCid(checked.leaf, 'leaf');
  const path = checked.path.map((element, i) => fromHex(element, `path[${i}]`));
  const computed = rootFromInclusionPath(leafHash, checked.index, checked.treeSize, path);
  checkComputedRoot(computed, checked);
}

/** Boolean form of `verifyInclusionProof` for callers that only branch on the outcome. */
export function isValidInclusionProof(proof: unknown, expected: InclusionExpectation = {}): boolean {
  try {
    verifyInclusionProof(proof as InclusionProof, expected);
    return true;
  } catch (error) {
    if (error instanceof ProtocolError) return false;
    throw error;
  }
}
