/** The treasury's EVM adapter: `eth_getBalance`, and a plain transfer from the treasury key, waited for. */
import { sendTransactionAndWait } from '@anchorpost/chains';
import type { JsonRpcPool, TransactionSigner } from '@anchorpost/chains';
import type { TreasuryChain } from './treasury.ts';

export function evmTreasuryChain(options: {
  readonly rpc: JsonRpcPool;
  readonly signer: TransactionSigner;
  readonly dailyCapWei: bigint;
}): TreasuryChain {
  const { rpc, signer } = options;
  return {
    chain: 'evm',
    decimals: 18,
    dailyCap: options.dailyCapWei,
    balance: async (address) => BigInt(await rpc.request<string>('eth_getBalance', [address, 'latest'])),
    pay: async (address, amount) =>
      (await sendTransactionAndWait(rpc, signer, { to: address, data: '0x', value: amount })).transactionHash,
  };
}
