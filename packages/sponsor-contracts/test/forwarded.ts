/** Test helpers: a user's signed forward request, and the sponsor sending a transaction and waiting. */
import { Wallet } from 'ethers';
import type { Interface } from 'ethers';
import { FORWARD_REQUEST_TYPES, forwarderCalls, forwarderDomain } from '@anchorpost/sponsor-core';
import type { JsonRpcPool } from '@anchorpost/chains';
import type { SponsorTestChain } from '../src/testing/index.ts';

/** The request body a user sends the sponsor: `contract.name(args)` forwarded to `to`. */
export async function forwardRequestBody(
  chain: SponsorTestChain,
  user: Wallet,
  to: string,
  contract: Interface,
  name: string,
  args: readonly unknown[],
  options: { nonce?: bigint; gas?: bigint; deadline?: bigint } = {},
): Promise<Record<string, unknown>> {
  const { forwarder, chainId } = chain.deployment;
  const nonce =
    options.nonce ??
    BigInt(
      await chain.rpc.request<string>('eth_call', [
        { to: forwarder, data: forwarderCalls.encodeFunctionData('nonces', [user.address]) },
        'latest',
      ]),
    );
  const fields = {
    from: user.address,
    to,
    value: 0n,
    gas: options.gas ?? 200_000n,
    nonce,
    deadline: options.deadline ?? (await chain.latestTimestamp()) + 3600n,
    data: contract.encodeFunctionData(name, args),
  };
  const signature = await user.signTypedData(
    forwarderDomain(chainId, forwarder),
    FORWARD_REQUEST_TYPES,
    fields,
  );
  return {
    kind: 'forward',
    forwarder,
    request: {
      ...fields,
      value: '0',
      gas: fields.gas.toString(),
      nonce: fields.nonce.toString(),
      deadline: fields.deadline.toString(),
      signature,
    },
  };
}

export interface MinedReceipt {
  readonly txHash: string;
  readonly status: boolean;
  readonly gasUsed: bigint;
  readonly effectiveGasPrice: bigint;
  readonly logs: readonly { topics: readonly string[]; data: string; address: string }[];
}

/**
 * Signs and sends exactly the accepted transaction (its gas limit and fee cap) from the sponsor
 * and waits for the receipt. Stands in for the sending side, which is not built yet.
 */
export async function sendAccepted(
  rpc: JsonRpcPool,
  sponsor: Wallet,
  chainId: bigint,
  tx: { to: string; data: string; gasLimit: bigint; maxFeePerGas: bigint },
): Promise<MinedReceipt> {
  const nonce = BigInt(await rpc.request<string>('eth_getTransactionCount', [sponsor.address, 'pending']));
  const raw = await sponsor.signTransaction({
    type: 2,
    chainId,
    nonce: Number(nonce),
    to: tx.to,
    data: tx.data,
    value: 0n,
    gasLimit: tx.gasLimit,
    maxFeePerGas: tx.maxFeePerGas,
    maxPriorityFeePerGas: 1n,
  });
  const hash = await rpc.request<string>('eth_sendRawTransaction', [raw]);
  for (;;) {
    const receipt = await rpc.request<{
      status: string;
      gasUsed: string;
      effectiveGasPrice: string;
      logs: { topics: string[]; data: string; address: string }[];
    } | null>('eth_getTransactionReceipt', [hash]);
    if (receipt !== null) {
      return {
        txHash: hash,
        status: receipt.status === '0x1',
        gasUsed: BigInt(receipt.gasUsed),
        effectiveGasPrice: BigInt(receipt.effectiveGasPrice),
        logs: receipt.logs,
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
