/**
 * @anchorpost/proofs — the TxFileProof v4 document: assembled from the index (for the proof
 * API) and verified with SHA-256, a chain node and the auditor's trust roots only (for auditors
 * and `anchorpost verify`).
 */
export { ProofError, ProofErrorCode, isProofError } from './proof-error.ts';
export {
  READABLE_PROOF_VERSIONS,
  ROOT_BLOCK_PROOF_VERSION,
  TRUSTED_BLOCK_ID_PROOF_VERSION,
  TX_FILE_PROOF_VERSION,
} from './tx-file-proof.ts';
export type {
  AnchorProof,
  ErgoAnchorProof,
  EvmAnchorProof,
  ProofAnchorStatus,
  ProofBatch,
  ProofTimeBound,
  TrustedBlockBound,
  TxFileProof,
} from './tx-file-proof.ts';
export { MAX_PROOF_ANCHORS, parseTxFileProof } from './parse-tx-file-proof.ts';
export { inclusionFromEntries, inclusionSubtrees } from './inclusion-from-entries.ts';
export type { InclusionTarget } from './inclusion-from-entries.ts';
export { inclusionFromTree } from './inclusion-from-tree.ts';
export type { TreeInclusionRead, TreeInclusionTarget } from './inclusion-from-tree.ts';
export { BatchHeaderCache, DEFAULT_BATCH_HEADER_CACHE_BATCHES } from './batch-header-cache.ts';
export type { CheckedBatchHeader } from './batch-header-cache.ts';
export { assembleProof } from './assemble-proof.ts';
export type { AssembleProofObserver, AssembleProofOptions, TrustedBlockRef } from './assemble-proof.ts';
export { verifyProof, verifyProofContents } from './verify-proof.ts';
export type { VerifiedProof, VerifyProofObserver, VerifyProofOptions } from './verify-proof.ts';
export type { VerifiedAnchor } from './evm-anchor-check.ts';
export type { VerifiedErgoAnchor } from './ergo-anchor-check.ts';
export { checkErgoMint } from './ergo-mint-check.ts';
export type { VerifiedErgoMint } from './ergo-mint-check.ts';
export { MAX_TRUST_ROOTS, parseTrustRoots, TRUST_ROOTS_VERSION } from './trust-roots.ts';
export type { ErgoTrustRoot, EvmTrustRoot, TrustRoots } from './trust-roots.ts';
