/**
 * `verifyInclusionProof` with WebCrypto's SHA-256, for verifiers that run in browsers too: the
 * same RFC 9162 walk (inclusion-path.ts), the hashes awaited.
 */
import { concatBytes, fromHex } from '../bytes.ts';
import { cidToBytes } from '../cid/parse-cid.ts';
import { webSha256 } from '../web-sha256.ts';
import {
  checkComputedRoot,
  checkInclusionClaims,
  checkPathElements,
  inclusionPathSides,
} from './inclusion-path.ts';
import type { InclusionExpectation } from './inclusion-path.ts';
import type { InclusionProof } from './inclusion-proof.ts';

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

/** Resolves when `proof` holds (as `verifyInclusionProof`); rejects with its BAD_PROOF otherwise. */
export async function verifyInclusionProofWeb(
  proof: InclusionProof,
  expected: InclusionExpectation = {},
): Promise<void> {
  const checked = checkInclusionClaims(proof, expected);
  const path = checked.path.map((element, i) => fromHex(element, `path[${i}]`));
  const sides = inclusionPathSides(checked.index, checked.treeSize, path.length);
  checkPathElements(path);
  let r = await webSha256(concatBytes(LEAF_PREFIX, cidToBytes(checked.leaf, 'leaf')));
  for (const [i, p] of path.entries()) {
    r = await webSha256(sides[i] ? concatBytes(NODE_PREFIX, p, r) : concatBytes(NODE_PREFIX, r, p));
  }
  checkComputedRoot(r, checked);
}
