/**
 * Why an anchored vote does not count, and what is wrong with a Votes file: stable codes (never
 * renamed, only added), so scripts and other implementations can compare recounts code by code.
 */

export const VoteRejectionCode = {
  /**
   * The member has an earlier valid vote in this voting. A member votes once (seed 001: "Voter can
   * vote only once"), so the vote that counts is the member's first valid one in anchoring order
   * (block height, then batch sequence, then position in the batch): a fact of the chain anyone
   * recomputes, where the organizer's arrival order is only the organizer's word.
   */
  DoubleVote: 'DOUBLE_VOTE',
  /** Anchored in a block above the voting's `lastblock` (the deadline). */
  LateVote: 'LATE_VOTE',
  /** The option hash is none of the voting's options. */
  UnknownOption: 'UNKNOWN_OPTION',
  /**
   * Names this voting, but its vote signature is over another voting (copied from one), another
   * voter, or is a v1 signature that names no voting at all.
   */
  VoteNotForThisVoting: 'VOTE_NOT_FOR_THIS_VOTING',
  /** The voter's key is not among the group bundle's members. */
  NotAMember: 'NOT_A_MEMBER',
  /** The vote's tx-file does not open for the group (bad HMAC, signature, ciphertext...). */
  UnreadableVote: 'UNREADABLE_VOTE',
} as const;

export type VoteRejectionCode = (typeof VoteRejectionCode)[keyof typeof VoteRejectionCode];

export const VotesFileFindingCode = {
  /** No Votes file of this voting from its organizer is anchored (yet). */
  Missing: 'VOTES_FILE_MISSING',
  /** The organizer's Votes file tx-file does not open, or its XML does not parse. */
  Unreadable: 'VOTES_FILE_UNREADABLE',
  /** Its `lastblock` is not the voting's. */
  HeaderMismatch: 'VOTES_FILE_HEADER_MISMATCH',
  /** An anchored, on-time vote of this voting is not listed. */
  OmitsVote: 'VOTES_FILE_OMITS_VOTE',
  /** A listed vote is no anchored, on-time vote of this voting (made up, late, or copied from another voting). */
  ExtraVote: 'VOTES_FILE_EXTRA_VOTE',
} as const;

export type VotesFileFindingCode = (typeof VotesFileFindingCode)[keyof typeof VotesFileFindingCode];
