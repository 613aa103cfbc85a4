/**
 * @anchorpost/voting/web — the recount for browsers: the same rules as the Node entry (they are the
 * protocol engine's steps, ./tally-anchored-voting.ts), run on WebCrypto. No Node built-in is
 * reachable from here; the Node entry (./index.ts) re-exports all of it.
 */
import { runAsync, webPrimitives } from '@anchorpost/protocol/web';
import {
  tallyAnchoredVotingSteps,
  type AnchoredTally,
  type AnchoredVotingInput,
} from './tally-anchored-voting.ts';

export { compareAnchoring, type AnchoredTxFile } from './anchored-tx-file.ts';
export {
  tallyAnchoredVotingSteps,
  type AnchoredTally,
  type AnchoredVotingInput,
} from './tally-anchored-voting.ts';
export type { CountedVote, RejectedVote } from './count-votes.ts';
export type { OpenedVoting } from './opened-voting.ts';
export type { VotesFileCheck, VotesFileFinding } from './check-votes-file.ts';
export { VoteRejectionCode, VotesFileFindingCode } from './vote-rejection.ts';
export { isVotingError, VotingError, VotingErrorCode } from './voting-error.ts';
export {
  isVotesFileMessage,
  readVotesFileMessage,
  VOTES_FILE_MEDIA_TYPE,
  votesFileMessage,
} from './votes-file-message.ts';

/** The recount (see `tallyAnchoredVoting`) on WebCrypto. */
export async function tallyAnchoredVotingWeb(input: AnchoredVotingInput): Promise<AnchoredTally> {
  return runAsync(tallyAnchoredVotingSteps(input), webPrimitives);
}
