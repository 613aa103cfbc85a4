/** In-app voting: the Votes file (strict XML) and its tally. */
export {
  canonicalizeVotesFile,
  checkVotesFile,
  compareVotes,
  DEFAULT_MAX_VOTES,
  DEFAULT_MAX_VOTES_FILE_BYTES,
  parseVotesFile,
  serializeVotesFile,
  VOTES_FILE_VERSION,
} from './votes-file.ts';
export type { ParseVotesFileOptions, VotesFile, VotesFileVote } from './votes-file.ts';
export {
  legacyVoteSigningBytes,
  LEGACY_VOTE_SIGNATURE_DOMAIN,
  signVote,
  verifyVote,
  VOTE_SIGNATURE_DOMAIN,
  voteSigningBytes,
} from './vote-signature.ts';
export type { VoteSignedFields } from './vote-signature.ts';
export { optionHashesOf, tallyFromVoteFiles, tallyVotes } from './tally.ts';
export type {
  CollectedVote,
  TallyOptions,
  TallyResult,
  VoteRejection,
  VoteRejectionReason,
} from './tally.ts';
