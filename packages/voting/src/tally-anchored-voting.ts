/**
 * The recount of a voting from anchored data alone: the organizer's voting file, the members'
 * vote files and the organizer's Votes file, all tx-files of the group whose proofs the caller has
 * verified. Anyone with the group (a member) gets the same totals, the same rejected votes with
 * the same codes, and the same verdict on the Votes file.
 */
import type { GroupKeys, Steps } from '@anchorpost/protocol/web';
import { parseAnchored, type AnchoredTxFile } from './anchored-tx-file.ts';
import { checkVotesFileSteps, type VotesFileCheck } from './check-votes-file.ts';
import { countVotesSteps, type CountedVote, type RejectedVote } from './count-votes.ts';
import { openVotingSteps, type OpenedVoting } from './opened-voting.ts';

export interface AnchoredVotingInput {
  group: GroupKeys;
  /** The group bundle's member ids (fingerprints of the members' public keys). */
  members: readonly string[];
  /** The CID of the organizer's voting tx-file. */
  voting: string;
  /** The group's anchored tx-files (any order; files that are no votes are ignored). */
  files: readonly AnchoredTxFile[];
}

export interface AnchoredTally {
  voting: Omit<OpenedVoting, 'organizerHash'>;
  /** Counted votes per option, in the voting's order (zeros included). */
  totals: { option: string; title: string; votes: number }[];
  counted: CountedVote[];
  rejected: RejectedVote[];
  votesFile: VotesFileCheck;
}

/**
 * The recount as the protocol engine's steps (ADR 0040): `tallyAnchoredVoting` runs them on
 * node:crypto, `tallyAnchoredVotingWeb` on WebCrypto — one set of rules for both.
 */
export function* tallyAnchoredVotingSteps(input: AnchoredVotingInput): Steps<AnchoredTally> {
  const files = parseAnchored(input.files);
  const opened = yield* openVotingSteps(input.voting, files, input.group);
  const votes = files.filter((file) => file.tx.vote?.voting === opened.after);
  const members = new Set(input.members);
  const { counted, rejected } = yield* countVotesSteps(votes, opened, input.group, members);
  const totals = opened.options.map((option) => ({
    option: option.hash,
    title: option.title,
    votes: counted.filter((vote) => vote.option === option.hash).length,
  }));
  return {
    voting: {
      cid: opened.cid,
      after: opened.after,
      lastblock: opened.lastblock,
      organizer: opened.organizer,
      question: opened.question,
      options: opened.options,
      anchoredHeight: opened.anchoredHeight,
    },
    totals,
    counted,
    rejected,
    votesFile: yield* checkVotesFileSteps(files, votes, opened, input.group),
  };
}
