/**
 * Sends one transaction and waits for its receipt: for deployment, owner actions and the
 * treasury's top-ups, which run rarely. The anchorer itself never uses this (its sending is the request state
 * machine in EvmChain, with persisted nonces and fee bumping).
 */
import type { Signer } from 'ethers';
import { ChainError, ChainErrorCode } from '../chain-error.ts';
import type { JsonRpcPool } from './json-rpc-pool.ts';
import { fromQuantity, toQuantity } from './rpc-types.ts';
import type { RpcBlock, RpcReceipt } from './rpc-types.ts';

/** What the adapter needs of a signer: its address and offline signing (keys stay with it). */
export type TransactionSigner = Pick<Signer, 'getAddress' | 'signTransaction'>;

export interface SendTransactionOptions {
  readonly to: string | null;
  readonly data: string;
  /** Wei sent along (a transfer); default 0. */
  readonly value?: bigint;
  readonly timeoutMs?: number;
  readonly pollMs?: number;
}

export async function sendTransactionAndWait(
  rpc: JsonRpcPool,
  signer: TransactionSigner,
  options: SendTransactionOptions,
): Promise<RpcReceipt> {
  const from = await signer.getAddress();
  const [chainId, nonce, latest, priority] = await Promise.all([
    rpc.request<string>('eth_chainId', []),
    rpc.request<string>('eth_getTransactionCount', [from, 'pending']),
    rpc.request<RpcBlock>('eth_getBlockByNumber', ['latest', false]),
    rpc.request<string>('eth_maxPriorityFeePerGas', []),
  ]);
  const value = options.value ?? 0n;
  const call = {
    from,
    data: options.data,
    value: toQuantity(value),
    ...(options.to === null ? {} : { to: options.to }),
  };
  const gas = BigInt(await rpc.request<string>('eth_estimateGas', [call]));
  const maxPriorityFeePerGas = BigInt(priority);
  const raw = await signer.signTransaction({
    type: 2,
    chainId: BigInt(chainId),
    nonce: fromQuantity(nonce),
    to: options.to,
    data: options.data,
    value,
    gasLimit: (gas * 5n) / 4n,
    maxPriorityFeePerGas,
    maxFeePerGas: BigInt(latest.baseFeePerGas ?? '0x0') * 2n + maxPriorityFeePerGas,
  });
  const hash = await rpc.request<string>('eth_sendRawTransaction', [raw]);
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    const receipt = await rpc.request<RpcReceipt | null>('eth_getTransactionReceipt', [hash]);
    if (receipt !== null) {
      if (receipt.status !== toQuantity(1)) {
        throw new ChainError(ChainErrorCode.Reverted, `transaction ${hash} reverted`);
      }
      return receipt;
    }
    if (Date.now() > deadline)
      throw new ChainError(ChainErrorCode.Timeout, `transaction ${hash} not mined in time`);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 100));
  }
}
