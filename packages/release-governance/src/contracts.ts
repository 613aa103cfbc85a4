/**
 * The four contracts from the TypeScript side: their interfaces (ABIs generated from contracts/
 * at build time) and the decoding of a revert from any of them, since a revert in the registry
 * surfaces through the Governor's `execute` and the timelock.
 */
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

export interface DecodedRevert {
  readonly name: string;
  readonly args: readonly unknown[];
}

/** The custom error in revert data (a hex string, or an RPC error's `data` object), if any contract's. */
export function decodeReleaseRevert(data: unknown): DecodedRevert | undefined {
  // Nodes send revert data either bare or wrapped as `{ data }`.
  const hex: unknown = typeof data === 'object' && data !== null && 'data' in data ? data.data : data;
  if (typeof hex !== 'string' || !/^0x[0-9a-fA-F]{8}/.test(hex)) return undefined;
  for (const contract of ALL) {
    try {
      const parsed = contract.parseError(hex);
      if (parsed !== null) return { name: parsed.name, args: [...parsed.args] };
    } catch {
      // Not this contract's error; try the next.
    }
  }
  return undefined;
}
