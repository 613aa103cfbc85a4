/**
 * @anchorpost/sponsor-contracts/key-registry-abi — what a client needs to call
 * AnchorpostKeyRegistry: its interface (the ABI generated from contracts/ at build time) and the
 * EIP-712 Rotation the current key's rotation signer signs. Ethers only: no chain adapter and no
 * Node built-in is reachable from here, so the SDK's browser entry publishes keys with it.
 */
import { Interface } from 'ethers/abi';
import type { TypedDataDomain, TypedDataField } from 'ethers/hash';
import { anchorpostKeyRegistryAbi } from './generated/anchorpost-key-registry.ts';

export const anchorpostKeyRegistryInterface = new Interface(anchorpostKeyRegistryAbi);

/** The registry's EIP-712 domain and the Rotation the current key's rotation signer signs. */
export function keyRegistryDomain(chainId: bigint, registry: string): TypedDataDomain {
  return { name: 'AnchorpostKeyRegistry', version: '1', chainId, verifyingContract: registry };
}

export const ROTATION_TYPES: Record<string, TypedDataField[]> = {
  Rotation: [
    { name: 'identity', type: 'address' },
    { name: 'oldFingerprint', type: 'bytes32' },
    { name: 'newFingerprint', type: 'bytes32' },
    { name: 'newSuite', type: 'string' },
    { name: 'newKeyCid', type: 'string' },
    { name: 'newRotationSigner', type: 'address' },
    { name: 'rotation', type: 'uint256' },
  ],
};
