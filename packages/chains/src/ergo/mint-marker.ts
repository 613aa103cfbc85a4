/**
 * Mints the platform's marker token (ADR 0012), once per platform: spends the wallet's token-free
 * boxes into the first anchor box, which holds the token and the ERG float for later fees. The
 * answer names the token id (ANCHORPOST_ERGO_TOKEN_ID) and the height to start reading at
 * (ANCHORPOST_ERGO_START_HEIGHT).
 */
import { buildMintTransaction } from './anchor-transaction.ts';
import type { MarkerToken } from './anchor-transaction.ts';
import type { ErgoNodeClient } from './ergo-node-client.ts';
import type { ErgoWallet } from './ergo-wallet.ts';

export interface MintedMarker {
  readonly tokenId: string;
  readonly txId: string;
  /** The chain height when it was sent: no anchor of this token can be below it. */
  readonly startHeight: number;
  readonly address: string;
}

export async function mintMarker(options: {
  readonly client: ErgoNodeClient;
  readonly wallet: ErgoWallet;
  /** nanoERG put into the anchor box for fees (e.g. 1 ERG pays about 900 anchors at the default fee). */
  readonly float: bigint;
  readonly fee?: bigint;
  readonly token?: MarkerToken;
}): Promise<MintedMarker> {
  const { client, wallet } = options;
  const headers = await client.lastHeaders(10);
  const height = Math.max(...headers.map((h) => h.height));
  const walletBoxes = await client.unspentBoxesByAddress(wallet.address);
  const built = buildMintTransaction({
    wallet,
    walletBoxes,
    height,
    fee: options.fee ?? 1_100_000n,
    float: options.float,
    token: options.token ?? {
      name: 'Anchorpost marker',
      description: 'Marks the Anchorpost platform anchor box: R4 Merkle root, R5 batch CID, R6 sequence',
    },
  });
  const signed = wallet.sign(built.unsigned, built.inputs, headers);
  const txId = await client.submitTransaction(signed.json);
  return { tokenId: built.tokenId, txId, startHeight: height, address: wallet.address };
}
