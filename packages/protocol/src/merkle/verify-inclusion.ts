/** Inclusion proof verification, exactly RFC 9162 §2.1.3.2. */
import { ErrorCode, ProtocolError } from '../errors.ts';
import { bytesEqual, fromHex, toHex } from '../bytes.ts';
import { merkleLeafHashForCid, merkleNodeHash, MERKLE_HASH_SIZE } from './hash.ts';
import { parseInclusionProof } from './inclusion-proof.ts';
import type { InclusionProof } from './inclusion-proof.ts';

/** How many hashes the inclusion path of leaf `index` in a tree of `treeSize` leaves has. */
export function inclusionPathLength(index: number, treeSize: number): number {
  let length = 0;
  let i = index;
  let size = treeSize;
  while (size > 1) {
    // A node has a sibling unless it is the lone last node of its level (then it moves up as is).
    if (i % 2 === 1 || i + 1 < size) length += 1;
    i = Math.floor(i / 2);
    size = Math.ceil(size / 2);
  }
  return length;
}

/**
 * RFC 9162 §2.1.3.2 steps 1–5 up to the final comparison: the root that `path` leads to from
 * `leafHash`, or BAD_PROOF if the index is out of range or the path has the wrong length.
 * Arithmetic uses division, not bit operators, so tree sizes up to 2^53 work.
 */
export function rootFromInclusionPath(
  leafHash: Uint8Array,
  index: number,
  treeSize: number,
  path: readonly Uint8Array[],
): Uint8Array {
  if (!Number.isSafeInteger(treeSize) || treeSize < 1) {
    throw new ProtocolError(
      ErrorCode.BadProof,
      'treeSize',
      'a tree with an inclusion proof has at least one leaf',
    );
  }
  // Step 1.
  if (!Number.isSafeInteger(index) || index < 0 || index >= treeSize) {
    throw new ProtocolError(
      ErrorCode.BadProof,
      'index',
      `index ${index} is out of range for a tree of ${treeSize} leaves`,
    );
  }
  const expected = (): number => inclusionPathLength(index, treeSize);
  // Steps 2–3.
  let fn = index;
  let sn = treeSize - 1;
  let r = leafHash;
  // Step 4.
  for (const [i, p] of path.entries()) {
    if (p.byteLength !== MERKLE_HASH_SIZE) {
      throw new ProtocolError(ErrorCode.BadProof, `path[${i}]`, 'a path element has 32 bytes');
    }
    // 4a.
    if (sn === 0) {
      throw new ProtocolError(
        ErrorCode.BadProof,
        'path',
        `path is too long: ${path.length} hashes, leaf ${index} of ${treeSize} needs ${expected()}`,
      );
    }
    // 4b.
    if (fn % 2 === 1 || fn === sn) {
      r = merkleNodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = merkleNodeHash(r, p);
    }
    // 4c.
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // Step 5, first half: the path must have reached the top.
  if (sn !== 0) {
    throw new ProtocolError(
      ErrorCode.BadProof,
      'path',
      `path is too short: ${path.length} hashes, leaf ${index} of ${treeSize} needs ${expected()}`,
    );
  }
  return r;
}

/**
 * What the verifier already knows from a trusted source (the chain anchor, the batch-file root):
 * the tree head and the number of leaves. RFC 9162 paths do not bind the tree size on their own
 * (leaf 0 of 73 leaves has the same path as leaf 0 of 74), so a proof's `treeSize` means
 * something only once it is compared with the batch's `count`.
 */
export interface InclusionExpectation {
  root?: Uint8Array | string;
  treeSize?: number;
}

/**
 * Throws BAD_PROOF (naming the field and the reason) unless `proof` is well formed and its path
 * leads from `SHA-256(0x00 ‖ cidBytes(leaf))` to `proof.root`, and the proof is about the
 * expected tree when `expected` says which.
 */
export function verifyInclusionProof(proof: InclusionProof, expected: InclusionExpectation = {}): void {
  // Re-validate: proofs arrive from untrusted JSON even when typed.
  const checked = parseInclusionProof(proof);
  if (expected.treeSize !== undefined && expected.treeSize !== checked.treeSize) {
    throw new ProtocolError(
      ErrorCode.BadProof,
      'treeSize',
      `proof is for a tree of ${checked.treeSize} leaves, expected ${expected.treeSize}`,
    );
  }
  if (expected.root !== undefined) {
    const root = typeof expected.root === 'string' ? expected.root : toHex(expected.root);
    if (root !== checked.root) {
      throw new ProtocolError(
        ErrorCode.BadProof,
        'root',
        `proof is for root ${checked.root}, expected ${root}`,
      );
    }
  }
  const leafHash = merkleLeafHashForCid(checked.leaf, 'leaf');
  const path = checked.path.map((element, i) => fromHex(element, `path[${i}]`));
  const claimedRoot = fromHex(checked.root, 'root');
  const computed = rootFromInclusionPath(leafHash, checked.index, checked.treeSize, path);
  // Step 5, second half.
  if (!bytesEqual(computed, claimedRoot)) {
    throw new ProtocolError(
      ErrorCode.BadProof,
      'root',
      `path leads to root ${toHex(computed)}, the proof claims ${checked.root}`,
    );
  }
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
