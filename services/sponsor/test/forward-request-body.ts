/** Test helper: a user's signed request to call the key registry through the forwarder. */
import type { Wallet } from 'ethers';
import { anchorpostKeyRegistryInterface as registry } from '@anchorpost/sponsor-contracts';
import type { SponsorTestChain } from '@anchorpost/sponsor-contracts/testing';
import { FORWARD_REQUEST_TYPES, forwarderCalls, forwarderDomain } from '@anchorpost/sponsor-core';

/** The body a user sends the sponsor: `registry.name(args)`, forwarded, valid until `deadline`. */
export async function forwardRequestBody(
  chain: SponsorTestChain,
  user: Wallet,
  name: string,
  args: readonly unknown[],
  deadline: bigint,
): Promise<Record<string, unknown>> {
  const { forwarder, chainId, keyRegistry } = chain.deployment;
  const nonce = BigInt(
    await chain.rpc.request<string>('eth_call', [
      { to: forwarder, data: forwarderCalls.encodeFunctionData('nonces', [user.address]) },
      'latest',
    ]),
  );
  const fields = {
    from: user.address,
    to: keyRegistry,
    value: 0n,
    gas: 200_000n,
    nonce,
    deadline,
    data: registry.encodeFunctionData(name, args),
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
      deadline: deadline.toString(),
      signature,
    },
  };
}
