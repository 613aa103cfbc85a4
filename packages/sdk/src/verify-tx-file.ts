/**
 * A tx-file's proof, fetched from a proof API and verified against the caller's trust roots and
 * chain nodes: the proof API is asked for the document only, never for the verdict.
 */
import { parseTxFileProof, verifyProof } from '@anchorpost/proofs/verify';
import type { TrustRoots, VerifiedProof } from '@anchorpost/proofs/verify';
import { endpointsFor } from './chain-endpoints.ts';
import type { ChainEndpoints } from './chain-endpoints.ts';
import { ProofApiClient } from './proof-api-client.ts';

export interface VerifyTxFileOptions {
  /** The proof API (its URL or a client). Only the proof is fetched from it. */
  readonly proofApi: string | ProofApiClient;
  /**
   * The trust roots you accept, or 'proof-claims' to check only that the anchors exist. Without
   * either the verifier fails closed (NO_TRUST_ROOTS).
   */
  readonly trust?: TrustRoots | 'proof-claims' | undefined;
  /** The chain nodes to check the anchors on. */
  readonly chains: ChainEndpoints;
  /** Accept a proof whose "sent after" cannot be established (the result says so). */
  readonly acceptNoLowerBound?: boolean | undefined;
  /** Blocks each anchor must have, counting its own; default 1. */
  readonly minConfirmations?: number | undefined;
  /** Per chain request; default 10 s. */
  readonly rpcTimeoutMs?: number | undefined;
}

/** Options for verifyProof from the SDK's (`trust`, `chains`) for one proof. */
export function verifyOptionsFor(
  proof: unknown,
  options: Omit<VerifyTxFileOptions, 'proofApi'>,
): Parameters<typeof verifyProof>[1] {
  return {
    ...endpointsFor(parseTxFileProof(proof), options.chains),
    ...(options.trust === 'proof-claims'
      ? { trustProofClaims: true }
      : options.trust === undefined
        ? {}
        : { trust: options.trust }),
    acceptNoLowerBound: options.acceptNoLowerBound === true,
    ...(options.minConfirmations === undefined ? {} : { minConfirmations: options.minConfirmations }),
    ...(options.rpcTimeoutMs === undefined ? {} : { rpcTimeoutMs: options.rpcTimeoutMs }),
  };
}

/**
 * Fetches the tx-file's proof and verifies it. Resolves only when every check passes; otherwise
 * rejects with a ProofError (the proof does not hold) or an SdkError (the proof API failed).
 */
export async function verifyTxFile(txFileCid: string, options: VerifyTxFileOptions): Promise<VerifiedProof> {
  const api =
    typeof options.proofApi === 'string' ? new ProofApiClient({ url: options.proofApi }) : options.proofApi;
  const proof = await api.proof(txFileCid);
  const verified = await verifyProof(proof, verifyOptionsFor(proof, options));
  return verified;
}
