/**
 * The one-process platform's trust roots: its local chain's contract with the anchorer's key as the
 * only submitter, and, with Ergo on, the marker and its minting transaction. Written to
 * `trust.json` in the data folder at every start (the contract may be redeployed when the chain's
 * state was lost) and served by the proof API as `GET /v1/trust-roots`: the file an auditor hands
 * `anchorpost verify --trust`.
 */
import { writeFile } from 'node:fs/promises';
import type { ErgoChainConfig } from '@anchorpost/chains';
import { parseTrustRoots } from '@anchorpost/proofs';
import type { TrustRoots } from '@anchorpost/proofs';
import { ConfigError } from '@anchorpost/service-kit';
import type { LocalChain } from './local-chain.ts';

export const ERGO_MINT_TX_ID_ENV = 'ANCHORPOST_ERGO_MINT_TX_ID';

/** With Ergo on, the trust roots need the marker's mint: refused at start, before anything runs. */
export function checkErgoMintSetting(ergo: ErgoChainConfig | undefined, ergoMintTxId: string): void {
  if (ergo !== undefined && ergoMintTxId === '') {
    throw new ConfigError(
      ERGO_MINT_TX_ID_ENV,
      "is required with Ergo on: the marker's minting transaction, as `anchorpost ergo mint-marker` prints it (or an explorer's token page shows it)",
    );
  }
}

export function platformTrustRoots(options: {
  readonly platform: string;
  readonly chain: Pick<LocalChain, 'chainId' | 'contractAddress' | 'signer'>;
  readonly ergo?: Pick<ErgoChainConfig, 'network' | 'tokenId'> | undefined;
  readonly ergoMintTxId: string;
}): TrustRoots {
  const { chain, ergo } = options;
  return parseTrustRoots({
    version: 1,
    platform: options.platform,
    evm: [
      { chainId: String(chain.chainId), contract: chain.contractAddress, submitters: [chain.signer.address] },
    ],
    ergo:
      ergo === undefined
        ? []
        : [{ network: ergo.network, tokenId: ergo.tokenId, mintTxId: options.ergoMintTxId }],
  });
}

export async function writeTrustRoots(path: string, trustRoots: TrustRoots): Promise<void> {
  await writeFile(path, `${JSON.stringify(trustRoots, null, 2)}\n`);
}
