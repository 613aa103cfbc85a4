/**
 * @anchorpost/voting — in-app voting recounted from anchored data (seed 001, "In-app voting"):
 * the tally, every vote that does not count with its reason, and the check of the organizer's
 * Votes file. Framework-free and without I/O: the caller fetches the files and verifies their proofs.
 */
export { compareAnchoring, type AnchoredTxFile } from './anchored-tx-file.ts';
export {
  tallyAnchoredVoting,
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
