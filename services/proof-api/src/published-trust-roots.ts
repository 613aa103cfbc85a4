/**
 * The trust roots this proof API publishes (`GET /v1/trust-roots`): the platform's anchor contract
 * on the served EVM chain with the anchorer's submitter addresses, and the Ergo marker with its
 * minting transaction when Ergo is served. What an auditor may take (after checking it once, out of
 * band) as `anchorpost verify --trust`. Missing settings are named, not guessed.
 */
import type { ErgoNetwork } from '@anchorpost/chains';
import { parseTrustRoots } from '@anchorpost/proofs';
import type { TrustRoots } from '@anchorpost/proofs';
import type { ProofApiServiceConfig } from './proof-api-config.ts';

export type PublishedTrustRoots =
  | { readonly trustRoots: TrustRoots }
  /** The variables that must be set before any trust roots are published. */
  | { readonly missing: readonly string[] };

type TrustSettings = Pick<
  ProofApiServiceConfig,
  'platform' | 'anchorContract' | 'anchorSubmitters' | 'ergoTokenId' | 'ergoMintTxId'
>;

/** From the settings, for the served EVM chain and (when served) Ergo network. */
export function publishedTrustRoots(
  config: TrustSettings,
  served: { readonly evmChainId: number; readonly ergoNetwork?: ErgoNetwork | undefined },
): PublishedTrustRoots {
  const missing = [
    ...(config.anchorContract === '' ? ['ANCHORPOST_EVM_ANCHOR_CONTRACT'] : []),
    ...(config.anchorSubmitters === '' ? ['ANCHORPOST_EVM_ANCHOR_SUBMITTERS'] : []),
    ...(served.ergoNetwork !== undefined && config.ergoTokenId === '' ? ['ANCHORPOST_ERGO_TOKEN_ID'] : []),
    ...(served.ergoNetwork !== undefined && config.ergoMintTxId === '' ? ['ANCHORPOST_ERGO_MINT_TX_ID'] : []),
  ];
  if (missing.length > 0) return { missing };
  const submitters = config.anchorSubmitters.split(',').map((address) => address.trim());
  return {
    trustRoots: parseTrustRoots({
      version: 1,
      platform: config.platform,
      evm: [{ chainId: String(served.evmChainId), contract: config.anchorContract, submitters }],
      ergo:
        served.ergoNetwork === undefined
          ? []
          : [{ network: served.ergoNetwork, tokenId: config.ergoTokenId, mintTxId: config.ergoMintTxId }],
    }),
  };
}
