/** The recount both `vote close` and `vote tally` make: the group's anchored files, verified, then tallied. */
import {
  isVotingError,
  tallyAnchoredVoting,
  type AnchoredTally,
  type AnchoredTxFile,
} from '@anchorpost/voting';
import { CliError } from '../../failure.ts';
import {
  anchorOn,
  deadlineChainOf,
  fetchGroupFiles,
  onDeadlineChain,
  type DeadlineChain,
  type GroupSource,
  type UnverifiedTxFile,
} from './anchored-group-files.ts';
import type { Member } from './vote-options.ts';

export interface Recount {
  tally: AnchoredTally;
  chain: DeadlineChain;
  /** The deadline chain's head when the voting file's anchor was verified. */
  head: number;
  files: AnchoredTxFile[];
  unverified: UnverifiedTxFile[];
}

export async function recount(
  votingCid: string,
  member: Member,
  source: GroupSource,
  deadlineChain: string | undefined,
): Promise<Recount> {
  const { files, unverified } = await fetchGroupFiles(source, member.recipient);
  const votingFile = files.find((file) => file.cid === votingCid);
  const refused = unverified.find((file) => file.cid === votingCid);
  if (votingFile === undefined && refused !== undefined) {
    throw new CliError(refused.code, 'voting', `the voting file ${votingCid}: ${refused.message}`);
  }
  const chain = deadlineChainOf(deadlineChain, votingFile);
  const anchored = onDeadlineChain(files, chain, unverified);
  try {
    const tally = tallyAnchoredVoting({
      group: member.group,
      members: member.members,
      voting: votingCid,
      files: anchored,
    });
    return { tally, chain, head: anchorOn(votingFile!, chain)!.head, files: anchored, unverified };
  } catch (error) {
    if (isVotingError(error)) throw new CliError(error.code, error.field, error.message);
    throw error;
  }
}
