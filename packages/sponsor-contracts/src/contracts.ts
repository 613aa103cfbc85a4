/**
 * The two contracts from the TypeScript side: their interfaces (ABIs generated from contracts/ at
 * build time), the registry's EIP-712 Rotation (./key-registry-abi.ts), and the decoding of a
 * revert from either contract.
 * The forwarder's ForwardRequest type lives with the code that verifies it (@anchorpost/sponsor-core).
 */
import { decodeCustomError, type DecodedRevert } from '@anchorpost/chains';
import { Interface } from 'ethers';
import { anchorpostForwarderAbi } from './generated/anchorpost-forwarder.ts';
import { anchorpostKeyRegistryInterface } from './key-registry-abi.ts';

export { ROTATION_TYPES, anchorpostKeyRegistryInterface, keyRegistryDomain } from './key-registry-abi.ts';

export const anchorpostForwarderInterface = new Interface(anchorpostForwarderAbi);

const ALL = [anchorpostKeyRegistryInterface, anchorpostForwarderInterface];

/** The custom error in revert data (a hex string, or an RPC error's `data` object), if either contract's. */
export function decodeSponsorRevert(data: unknown): DecodedRevert | undefined {
  return decodeCustomError(ALL, data);
}
