/**
 * RFC 6962 / RFC 9162 §2.1.1 hashing with SHA-256. The 0x00 / 0x01 prefixes separate leaves from
 * interior nodes, so no interior node can be passed off as a leaf (second-preimage defence).
 */
import type { CID } from 'multiformats/cid';
import { cidToBytes } from '../cid/index.ts';
import { sha256, sha256Into } from './sha256.ts';

import { MERKLE_HASH_SIZE } from './hash-size.ts';

export { MERKLE_HASH_SIZE };

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

// Reused inputs: hashing is synchronous, so one scratch buffer per shape is safe and saves an
// allocation per hash.
const nodeInput = new Uint8Array(1 + 2 * MERKLE_HASH_SIZE);
nodeInput[0] = NODE_PREFIX;
const leafInput = new Uint8Array(1 + 64);

/** MTH({}) = SHA-256 of the empty string (RFC 6962 §2.1). */
export const EMPTY_TREE_ROOT: Uint8Array = sha256(new Uint8Array(0));

/** MTH({d}) = SHA-256(0x00 ‖ d). */
export function merkleLeafHash(leafData: Uint8Array): Uint8Array {
  if (leafData.byteLength < leafInput.byteLength) {
    leafInput.set(leafData, 1);
    return sha256(leafInput.subarray(0, 1 + leafData.byteLength));
  }
  const input = new Uint8Array(leafData.byteLength + 1);
  input[0] = LEAF_PREFIX;
  input.set(leafData, 1);
  return sha256(input);
}

/** The leaf hash of a tx-file: its leaf data is the CID's binary form. */
export function merkleLeafHashForCid(cid: string | CID, field = '-'): Uint8Array {
  return merkleLeafHash(cidToBytes(cid, field));
}

/** SHA-256(0x01 ‖ left ‖ right). */
export function merkleNodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.byteLength === MERKLE_HASH_SIZE && right.byteLength === MERKLE_HASH_SIZE) {
    nodeInput.set(left, 1);
    nodeInput.set(right, 1 + MERKLE_HASH_SIZE);
    return sha256(nodeInput);
  }
  const input = new Uint8Array(1 + left.byteLength + right.byteLength);
  input[0] = NODE_PREFIX;
  input.set(left, 1);
  input.set(right, 1 + left.byteLength);
  return sha256(input);
}

/**
 * In-place interior node for flat trees: hashes 0x01 ‖ nodes[from, from+64) into
 * nodes[to, to+32), so building a tree allocates nothing per node.
 */
export function merkleNodeHashAt(nodes: Uint8Array, from: number, to: number): void {
  nodeInput.set(nodes.subarray(from, from + 2 * MERKLE_HASH_SIZE), 1);
  sha256Into(nodeInput, nodes, to);
}

/** In-place leaf hash: SHA-256(0x00 ‖ leafData) into out[offset, offset+32). */
export function merkleLeafHashInto(leafData: Uint8Array, out: Uint8Array, offset: number): void {
  if (leafData.byteLength < leafInput.byteLength) {
    leafInput.set(leafData, 1);
    sha256Into(leafInput.subarray(0, 1 + leafData.byteLength), out, offset);
  } else {
    out.set(merkleLeafHash(leafData), offset);
  }
}
