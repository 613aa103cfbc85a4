/**
 * @anchorpost/sdk/browser — the SDK for browsers: fetch a tx-file's proof and verify it with
 * WebCrypto and chain nodes over `fetch`. No Node built-in is reachable from here (a test bundles
 * it for the browser and checks its size). The Node entry exports all of this too: one verifier.
 */
export {
  isProofError,
  parseTrustRoots,
  parseTxFileProof,
  ProofError,
  ProofErrorCode,
  verifyProof,
  verifyProofContents,
} from '@anchorpost/proofs/verify';
export type {
  AnchorProof,
  ErgoAnchorProof,
  ErgoTrustRoot,
  EvmAnchorProof,
  EvmTrustRoot,
  TrustRoots,
  TxFileProof,
  VerifiedAnchor,
  VerifiedErgoAnchor,
  VerifiedProof,
  VerifyProofOptions,
} from '@anchorpost/proofs/verify';
export { endpointsFor } from './chain-endpoints.ts';
export type { ChainEndpoints } from './chain-endpoints.ts';
export { checkProofClaims } from './proof-claims.ts';
export type { CheckedClaims, Claim, ClaimKind } from './proof-claims.ts';
export { ProofApiClient } from './proof-api-client.ts';
export type { PendingProof, ProofApiClientOptions } from './proof-api-client.ts';
export { isSdkError, SdkError, SdkErrorCode } from './sdk-error.ts';

export { verifyOptionsFor, verifyTxFile } from './verify-tx-file.ts';
export type { VerifyTxFileOptions } from './verify-tx-file.ts';

export { checkReceiptWeb, parseRelayKey } from './receipts-web.ts';
export type { RelayPublicKey } from './receipts-web.ts';
export type { RelayReceipt } from '@anchorpost/relay-core';
