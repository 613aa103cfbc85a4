/**
 * The four contracts from the TypeScript side: their interfaces (ABIs generated from contracts/
 * at build time) and the decoding of a revert from any of them, since a revert in the registry
 * surfaces through the Governor's `execute` and the timelock.
 */
import { decodeCustomError, type DecodedRevert } from '@anchorpost/chains';
import { Interface } from 'ethers';
import { releaseGovernorAbi } from './generated/release-governor.ts';
import { releaseRegistryAbi } from './generated/release-registry.ts';
import { releaseTimelockAbi } from './generated/release-timelock.ts';
import { releaseVotesAbi } from './generated/release-votes.ts';

export const releaseVotesInterface = new Interface(releaseVotesAbi);
export const releaseTimelockInterface = new Interface(releaseTimelockAbi);
export const releaseGovernorInterface = new Interface(releaseGovernorAbi);
export const releaseRegistryInterface = new Interface(releaseRegistryAbi);

const ALL = [
  releaseRegistryInterface,
  releaseGovernorInterface,
  releaseTimelockInterface,
  releaseVotesInterface,
];

/** The custom error in revert data (a hex string, or an RPC error's `data` object), if any contract's. */
export function decodeReleaseRevert(data: unknown): DecodedRevert | undefined {
  return decodeCustomError(ALL, data);
}
