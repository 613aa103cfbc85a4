/**
 * Writing to AnchorpostKeyRegistry needs these reads besides the SDK's (`@anchorpost/sdk`, which
 * reads keys and their history): the rotation count a Rotation signs, the trusted forwarder and
 * the user's forwarder nonce.
 */
import { forwarderCalls } from '@anchorpost/sponsor-core';
import { anchorpostKeyRegistryInterface as registry } from '@anchorpost/sponsor-contracts';
import { registryCall as call, type RegistryAt } from '@anchorpost/sdk';

export { currentKey, fingerprintBytes32, type RegistryAt } from '@anchorpost/sdk';

/** How many rotations the identity has made: the `rotation` field its next Rotation signs. */
export async function rotationsOf(at: RegistryAt, identity: string): Promise<bigint> {
  const result = await call(at, at.registry, registry.encodeFunctionData('rotations', [identity]));
  return registry.decodeFunctionResult('rotations', result)[0] as bigint;
}

/** The forwarder the registry trusts: the only one whose requests name the user, not the sponsor. */
export async function trustedForwarderOf(at: RegistryAt): Promise<string> {
  const result = await call(at, at.registry, registry.encodeFunctionData('trustedForwarder', []));
  return registry.decodeFunctionResult('trustedForwarder', result)[0] as string;
}

export async function forwarderNonceOf(at: RegistryAt, forwarder: string, user: string): Promise<bigint> {
  const result = await call(at, forwarder, forwarderCalls.encodeFunctionData('nonces', [user]));
  return forwarderCalls.decodeFunctionResult('nonces', result)[0] as bigint;
}
