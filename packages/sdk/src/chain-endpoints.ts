/**
 * Which chain node answers for which anchor. A verifier usually has one JSON-RPC URL for "the"
 * EVM chain and one Ergo node: a bare URL serves every anchor of its kind (the node's chain id or
 * network is still checked per anchor, so a wrong node fails WRONG_CHAIN rather than passing).
 * Several chains of a kind take one URL each, by decimal chain id or Ergo network.
 */
import type { TxFileProof } from '@anchorpost/proofs/verify';

export interface ChainEndpoints {
  /** EVM JSON-RPC: one URL for every EVM anchor, and/or one per decimal chain id. */
  readonly evm?: string | Readonly<Record<string, string>> | undefined;
  /**
   * Ergo node REST: one URL for every Ergo anchor, and/or one per network (`mainnet`, `testnet`,
   * `devnet`). Without an Ergo anchor it still establishes "sent after": the tx-file's
   * trustedblock must be on its best chain.
   */
  readonly ergo?: string | Readonly<Record<string, string>> | undefined;
  /** With `evm`/`ergo` records: a URL for the chains of the kind the record does not name. */
  readonly evmFallback?: string | undefined;
  readonly ergoFallback?: string | undefined;
}

/** The verifier's `evmRpcUrls` and `ergoNodeUrls` for `proof`'s anchors. */
export function endpointsFor(
  proof: TxFileProof,
  endpoints: ChainEndpoints,
): { evmRpcUrls: Record<string, string>; ergoNodeUrls: Record<string, string> } {
  return {
    evmRpcUrls: urlsOfKind(proof, 'evm', endpoints.evm, endpoints.evmFallback),
    ergoNodeUrls: urlsOfKind(proof, 'ergo', endpoints.ergo, endpoints.ergoFallback),
  };
}

function urlsOfKind(
  proof: TxFileProof,
  kind: 'evm' | 'ergo',
  given: string | Readonly<Record<string, string>> | undefined,
  fallbackGiven: string | undefined,
): Record<string, string> {
  const urls: Record<string, string> = typeof given === 'object' ? { ...given } : {};
  const fallback = typeof given === 'string' ? given : fallbackGiven;
  if (fallback === undefined) return urls;
  for (const anchor of proof.anchors) if (anchor.chain === kind) urls[anchor.chainId] ??= fallback;
  // With no Ergo anchor, the Ergo node still checks the trustedblock (on whichever network it serves).
  if (kind === 'ergo' && Object.keys(urls).length === 0) urls.mainnet = fallback;
  return urls;
}
