/**
 * The two contracts from the TypeScript side: their interfaces (ABIs generated from contracts/ at
 * build time), the registry's EIP-712 Rotation, and the decoding of a revert from either contract.
 * The forwarder's ForwardRequest type lives with the code that verifies it (@anchorpost/sponsor-core).
 */
import { decodeCustomError, type DecodedRevert } from '@anchorpost/chains';
import { Interface } from 'ethers';
import type { TypedDataDomain, TypedDataField } from 'ethers';
import { anchorpostForwarderAbi } from './generated/anchorpost-forwarder.ts';
import { anchorpostKeyRegistryAbi } from './generated/anchorpost-key-registry.ts';

export const anchorpostForwarderInterface = new Interface(anchorpostForwarderAbi);
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

const ALL = [anchorpostKeyRegistryInterface, anchorpostForwarderInterface];

/** The custom error in revert data (a hex string, or an RPC error's `data` object), if either contract's. */
export function decodeSponsorRevert(data: unknown): DecodedRevert | undefined {
  return decodeCustomError(ALL, data);
}
