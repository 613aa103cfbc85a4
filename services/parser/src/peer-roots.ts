/**
 * Which of a peer's trust roots this parser follows (ADR 0031): on each chain it follows itself,
 * the peer's contract on its EVM chain and the peer's marker token on its Ergo network. One root
 * per chain (the cursor is per peer per chain); the others are named so they can be reported.
 */
import type { PeerRecord } from '@anchorpost/db';
import { parseTrustRoots } from '@anchorpost/proofs';
import type { ErgoTrustRoot, EvmTrustRoot } from '@anchorpost/proofs';

export interface PeerRoots {
  readonly evm?: EvmTrustRoot | undefined;
  readonly ergo?: ErgoTrustRoot | undefined;
  /** Roots on a followed chain left aside because another root of the same chain is followed. */
  readonly ignored: readonly string[];
}

/** Throws the proofs' INVALID_TRUST_ROOTS when the stored roots no longer parse. */
export function peerRoots(
  peer: PeerRecord,
  chains: { readonly evmChainId: string; readonly ergoNetwork?: string | undefined },
): PeerRoots {
  const roots = parseTrustRoots(peer.trustRoots);
  const evm = roots.evm.filter((root) => root.chainId === chains.evmChainId);
  const ergo = roots.ergo.filter((root) => root.network === chains.ergoNetwork);
  return {
    evm: evm[0],
    ergo: ergo[0],
    ignored: [...evm.slice(1).map((root) => root.contract), ...ergo.slice(1).map((root) => root.tokenId)],
  };
}
