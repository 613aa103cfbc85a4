/**
 * An ERC-2771 forward request a user signs (EIP-712, OpenZeppelin's ERC2771Forwarder) so that a
 * sponsor sends the call and pays its gas: the user's account holds nothing. The forwarder's nonce
 * for the user and the chain's latest block time are read over JSON-RPC; the answer is the body
 * `SponsorClient.submit` posts. Any contract that trusts the forwarder can be called this way.
 */
import type { JsonRpcPool } from '@anchorpost/chains';
import type { TypedDataDomain, TypedDataField } from 'ethers/hash';
import type { SponsorshipRequestBody } from './sponsor-client.ts';

/** What signs the request: an ethers Wallet or any Signer with an address. */
export interface TypedDataSigner {
  readonly address: string;
  signTypedData(
    domain: TypedDataDomain,
    types: Record<string, TypedDataField[]>,
    value: Record<string, unknown>,
  ): Promise<string>;
}

export interface ForwardCall {
  /** The forwarder the target contract trusts (`trustedForwarder()`). */
  readonly forwarder: string;
  /** The contract called, and its calldata. */
  readonly to: string;
  readonly data: string;
  /** The inner call's gas, signed by the user; the sponsor's policy caps it. */
  readonly gas: bigint;
  /** How long the sponsor may take to send it, from the chain's latest block time. */
  readonly ttlSeconds: bigint;
}

/** Signs `call` as `user` for the chain `rpc` is on. */
export async function signForwardRequest(
  rpc: JsonRpcPool,
  user: TypedDataSigner,
  call: ForwardCall,
): Promise<SponsorshipRequestBody> {
  const { FORWARD_REQUEST_TYPES, forwarderCalls, forwarderDomain } =
    await import('@anchorpost/sponsor-core/eip712');
  const [chainId, nonceResult, block] = await Promise.all([
    rpc.request<string>('eth_chainId', []),
    rpc.request<string>('eth_call', [
      { to: call.forwarder, data: forwarderCalls.encodeFunctionData('nonces', [user.address]) },
      'latest',
    ]),
    rpc.request<{ timestamp: string }>('eth_getBlockByNumber', ['latest', false]),
  ]);
  const fields = {
    from: user.address,
    to: call.to,
    value: 0n,
    gas: call.gas,
    nonce: forwarderCalls.decodeFunctionResult('nonces', nonceResult)[0] as bigint,
    deadline: BigInt(block.timestamp) + call.ttlSeconds,
    data: call.data,
  };
  const signature = await user.signTypedData(
    forwarderDomain(BigInt(chainId), call.forwarder),
    FORWARD_REQUEST_TYPES,
    fields,
  );
  return {
    kind: 'forward',
    forwarder: call.forwarder,
    request: {
      from: fields.from,
      to: fields.to,
      value: '0',
      gas: fields.gas.toString(),
      nonce: fields.nonce.toString(),
      deadline: fields.deadline.toString(),
      data: fields.data,
      signature,
    },
  };
}
