/**
 * @anchorpost/proofs/verify — the verifier alone: parse a proof and trust roots, verify with
 * WebCrypto's SHA-256 and chain nodes over `fetch`. Nothing here reaches a Node built-in, the
 * index or an ABI library, so the same code runs in Node and in browsers (the SDK's two entries).
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
export { verifyProof, verifyProofContents } from './verify-proof.ts';
export type { VerifiedProof, VerifyProofObserver, VerifyProofOptions } from './verify-proof.ts';
export type { VerifiedAnchor } from './evm-anchor-check.ts';
export type { VerifiedErgoAnchor } from './ergo-anchor-check.ts';
export type { VerifiedErgoMint } from './ergo-mint-check.ts';
export { MAX_TRUST_ROOTS, parseTrustRoots, TRUST_ROOTS_VERSION } from './trust-roots.ts';
export type { ErgoTrustRoot, EvmTrustRoot, TrustRoots } from './trust-roots.ts';
