/**
 * The two EIP-712 messages a user signs for a sponsorship, exactly as the contracts hash them:
 * OpenZeppelin's ERC2771Forwarder ForwardRequest and Governor Ballot (5.x: voter and nonce signed).
 * Also the two calls the sponsor sends for them. Human-readable fragments, so this core needs no
 * generated ABI from the contracts package.
 */
import { Interface } from 'ethers/abi';
import type { TypedDataDomain, TypedDataField } from 'ethers/hash';

/** The forwarder's EIP-712 name (its constructor's argument) and OpenZeppelin's version. */
export const FORWARDER_NAME = 'AnchorpostForwarder';
export const FORWARDER_VERSION = '1';

export function forwarderDomain(chainId: bigint, forwarder: string): TypedDataDomain {
  return { name: FORWARDER_NAME, version: FORWARDER_VERSION, chainId, verifyingContract: forwarder };
}

/** What the user signs: the nonce is signed (the forwarder's own per-signer nonce), not sent. */
export const FORWARD_REQUEST_TYPES: Record<string, TypedDataField[]> = {
  ForwardRequest: [
    { name: 'from', type: 'address' },
    { name: 'to', type: 'address' },
    { name: 'value', type: 'uint256' },
    { name: 'gas', type: 'uint256' },
    { name: 'nonce', type: 'uint256' },
    { name: 'deadline', type: 'uint48' },
    { name: 'data', type: 'bytes' },
  ],
};

export const BALLOT_TYPES: Record<string, TypedDataField[]> = {
  Ballot: [
    { name: 'proposalId', type: 'uint256' },
    { name: 'support', type: 'uint8' },
    { name: 'voter', type: 'address' },
    { name: 'nonce', type: 'uint256' },
  ],
};

export function governorDomain(
  chainId: bigint,
  governor: string,
  name: string,
  version: string,
): TypedDataDomain {
  return { name, version, chainId, verifyingContract: governor };
}

export const forwarderCalls = new Interface([
  'function execute((address from, address to, uint256 value, uint256 gas, uint48 deadline, bytes data, bytes signature) request) payable',
  'function verify((address from, address to, uint256 value, uint256 gas, uint48 deadline, bytes data, bytes signature) request) view returns (bool)',
  'function nonces(address owner) view returns (uint256)',
]);

export const governorCalls = new Interface([
  'function castVoteBySig(uint256 proposalId, uint8 support, address voter, bytes signature) returns (uint256)',
]);

export const CAST_VOTE_BY_SIG_SELECTOR = governorCalls.getFunction('castVoteBySig')!.selector;
