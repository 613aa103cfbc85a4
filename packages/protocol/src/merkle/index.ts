/** RFC 6962 / RFC 9162 Merkle trees over tx-file CIDs: roots, trees, inclusion proofs. */
export {
  EMPTY_TREE_ROOT,
  MERKLE_HASH_SIZE,
  merkleLeafHash,
  merkleLeafHashForCid,
  merkleNodeHash,
} from './hash.ts';
export {
  INCLUSION_PROOF_ALGORITHM,
  INCLUSION_PROOF_VERSION,
  MAX_INCLUSION_PATH_LENGTH,
  parseInclusionProof,
} from './inclusion-proof.ts';
export type { InclusionProof } from './inclusion-proof.ts';
export { MerkleRootAccumulator, merkleRoot, merkleRootSync } from './merkle-root.ts';
export { MerkleTree } from './merkle-tree.ts';
export { MAX_UPPER_LEVELS_BASE, MerkleUpperLevels, merkleNodeOfRange } from './merkle-upper-levels.ts';
export type { MerkleUpperLevelsResult } from './merkle-upper-levels.ts';
export {
  inclusionPathLength,
  isValidInclusionProof,
  rootFromInclusionPath,
  verifyInclusionProof,
} from './verify-inclusion.ts';
export type { InclusionExpectation } from './verify-inclusion.ts';
