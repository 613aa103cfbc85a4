/**
 * The treasury's Ergo adapter: the anchorer's Ergo address's confirmed balance (its anchor box's
 * float included) from the Ergo node, and a signed payment from the treasury's Ergo wallet
 * (`sendErgoPayment` of @anchorpost/chains, the same builder, signer and node client the anchorer
 * uses). A payment counts once the node accepted it into its pool; the next pass sees it confirmed.
 */
import { ergoBalance, sendErgoPayment } from '@anchorpost/chains';
import type { ErgoNodeClient, ErgoWallet } from '@anchorpost/chains';
import type { TreasuryChain } from './treasury.ts';

export function ergoTreasuryChain(options: {
  readonly client: ErgoNodeClient;
  readonly wallet: ErgoWallet;
  readonly dailyCapNanoErg: bigint;
}): TreasuryChain {
  const { client, wallet } = options;
  return {
    chain: 'ergo',
    decimals: 9,
    dailyCap: options.dailyCapNanoErg,
    balance: (address) => ergoBalance(client, address),
    pay: (address, amount) => sendErgoPayment({ client, wallet, to: address, amount }),
  };
}
