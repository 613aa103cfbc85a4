/**
 * The hash-free half of RFC 9162 §2.1.3.2 inclusion verification: the proof's claims against what
 * the verifier expects, which side each path element hashes on, and the final comparison. No
 * hashing here, so the synchronous (node:crypto) and the asynchronous (WebCrypto) verifiers share it.
 */
import { ErrorCode, ProtocolError } from '../errors.ts';
import { bytesEqual, fromHex, toHex } from '../bytes.ts';
import { MERKLE_HASH_SIZE } from './hash-size.ts';
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
 * RFC 9162 §2.1.3.2 steps 1–5 without the hashing: for each of the `pathLength` path elements,
 * whether it is the left operand (`SHA-256(0x01 ‖ p ‖ r)`) rather than the right. BAD_PROOF if the
 * index is out of range or the path has the wrong length. Kept apart from the hashing so the
 * synchronous (node:crypto) and the asynchronous (WebCrypto) verifiers walk one algorithm.
 * Arithmetic uses division, not bit operators, so tree sizes up to 2^53 work.
 */
export function inclusionPathSides(index: number, treeSize: number, pathLength: number): boolean[] {
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
  const sides: boolean[] = [];
  // Step 4.
  for (let i = 0; i < pathLength; i += 1) {
    // 4a.
    if (sn === 0) {
      throw new ProtocolError(
        ErrorCode.BadProof,
        'path',
        `path is too long: ${pathLength} hashes, leaf ${index} of ${treeSize} needs ${expected()}`,
      );
    }
    // 4b.
    const left = fn % 2 === 1 || fn === sn;
    sides.push(left);
    if (left && fn % 2 === 0) {
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
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
      `path is too short: ${pathLength} hashes, leaf ${index} of ${treeSize} needs ${expected()}`,
    );
  }
  return sides;
}

/** BAD_PROOF unless every path element is one hash long. */
export function checkPathElements(path: readonly Uint8Array[]): void {
  for (const [i, p] of path.entries()) {
    if (p.byteLength !== MERKLE_HASH_SIZE) {
      throw new ProtocolError(ErrorCode.BadProof, `path[${i}]`, 'a path element has 32 bytes');
    }
  }
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

/** Re-validates the proof (it arrives from untrusted JSON even when typed) against `expected`. */
export function checkInclusionClaims(proof: InclusionProof, expected: InclusionExpectation): InclusionProof {
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
  return checked;
}

/** Step 5, second half: the computed root is the claimed one. */
export function checkComputedRoot(computed: Uint8Array, checked: InclusionProof): void {
  if (!bytesEqual(computed, fromHex(checked.root, 'root'))) {
    throw new ProtocolError(
      ErrorCode.BadProof,
      'root',
      `path leads to root ${toHex(computed)}, the proof claims ${checked.root}`,
    );
  }
}
