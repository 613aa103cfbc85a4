/**
 * Counting a Votes file, and building the one an organizer publishes.
 *
 * Counting rule (the same for the organizer and for every member who recounts):
 * 1. Votes are taken in canonical order ({@link compareVotes}: by publickey, then option, then
 *    signature, then txfile), whatever their order in the file, so the result never depends on
 *    how the file happens to be laid out.
 * 2. A vote whose option is not one of the voting's option hashes is rejected (`unknown-option`).
 * 3. When voter keys are given (`voterKey`, or a `verify` callback), a vote whose signature does not
 *    verify over this voting, this voter and this option ({@link voteSigningBytes} with the file's
 *    `voting` and the vote's `publickey`) is rejected (`bad-signature`, with the ProtocolError code:
 *    VOTE_NOT_FOR_THIS_VOTING, LEGACY_VOTE_SIGNATURE for a v1 signature, NOT_A_MEMBER for a voter
 *    whose key is unknown). So a vote copied from another voting, or listed under another voter,
 *    never counts.
 * 4. Of the remaining votes, the first one of each voter (`publickey`) counts; every later one is
 *    rejected (`duplicate-voter`). Since votes with the same publickey are ordered by option hash,
 *    "first" means the vote for the smallest option hash: an arbitrary but fixed choice that anyone
 *    can recompute. A rejected vote never uses up its voter's one vote, so a vote nobody can verify
 *    (or a forged one, when `verify` is used) cannot block the voter's valid vote.
 *
 * `rejected[].index` is the vote's position in `votes.votes` (document order for a parsed file);
 * `rejected` is listed in canonical order. Members without the voters' public keys tally without
 * `verify`; their result equals the verified one whenever every listed signature is valid.
 */
import type { PublicIdentity } from '../crypto/identity.ts';
import { ErrorCode, ProtocolError } from '../errors.ts';
import type { TxVoting } from '../tx-file/schema.ts';
import { HEX128_RE } from './collected-votes.ts';
import { verifyVote, voteSigningBytes } from './vote-signature.ts';
import { checkVotesFile, compareVotes } from './votes-file.ts';
import type { VotesFile, VotesFileVote } from './votes-file.ts';

export type VoteRejectionReason = 'unknown-option' | 'duplicate-voter' | 'bad-signature';

export interface VoteRejection {
  /** Index of the vote in `votes.votes`. */
  index: number;
  publickey: string;
  reason: VoteRejectionReason;
  /** For `bad-signature`: why (VOTE_NOT_FOR_THIS_VOTING, LEGACY_VOTE_SIGNATURE or NOT_A_MEMBER). */
  code?: ErrorCode;
}

export interface TallyOptions {
  /** The voting's option hashes (each option's title `sha512hash`), in display order. */
  optionHashes: readonly string[];
  /**
   * Resolves a voter's public key from `publickey` (the HMAC of the key), for members who can. Each
   * vote is then checked with {@link verifyVote} over the file's `voting`, the vote's `publickey`
   * and `option`; a voter it cannot resolve is rejected (NOT_A_MEMBER).
   */
  voterKey?: (publickey: string) => PublicIdentity | undefined;
  /**
   * Instead of `voterKey`: checks `vote.signature` over `signingBytes` (the v2 vote signing bytes
   * of this voting, this voter and this option, computed by the tally) with the voter's key. Return
   * false to reject (VOTE_NOT_FOR_THIS_VOTING); exceptions propagate.
   */
  verify?: (vote: VotesFileVote, index: number, signingBytes: Uint8Array) => boolean;
}

export interface TallyResult {
  voting: string;
  lastblock: number;
  /** Counted votes per option hash; every option is present (zeros included), in `optionHashes` order. */
  totals: Record<string, number>;
  /** Number of votes counted (the sum of `totals`). */
  counted: number;
  rejected: VoteRejection[];
}

export { tallyFromVoteFiles, type CollectedVote } from './collected-votes.ts';

/** The option hashes of a voting, in its order: each option's title `sha512hash`. */
export function optionHashesOf(voting: Pick<TxVoting, 'option'>): string[] {
  return voting.option.map((option) => option.title.sha512hash);
}

function checkOptionHashes(optionHashes: readonly string[]): void {
  const seen = new Set<string>();
  optionHashes.forEach((hash, index) => {
    const field = `optionHashes[${index}]`;
    if (typeof hash !== 'string' || hash.length !== 128 || !HEX128_RE.test(hash)) {
      throw new ProtocolError(ErrorCode.BadFormat, field, 'expected 128 lower-case hex characters');
    }
    if (seen.has(hash)) throw new ProtocolError(ErrorCode.DuplicateEntry, field, 'duplicate option hash');
    seen.add(hash);
  });
}

/** Counts a Votes file by the rule in the module comment. Throws ProtocolError on a malformed file. */
export function tallyVotes(votes: VotesFile, options: TallyOptions): TallyResult {
  const file = checkVotesFile(votes);
  checkOptionHashes(options.optionHashes);
  if (options.voterKey !== undefined && options.verify !== undefined) {
    throw new RangeError('give voterKey or verify, not both');
  }
  const counts = new Map<string, number>(options.optionHashes.map((hash) => [hash, 0]));
  /** Why a vote's signature is refused for this voting, or undefined when it is not checked or valid. */
  const refusal = (vote: VotesFileVote, index: number): ErrorCode | undefined => {
    const signed = { voting: file.voting, voter: vote.publickey, option: vote.option };
    if (options.verify !== undefined) {
      const ok = options.verify(vote, index, voteSigningBytes(signed));
      return ok ? undefined : ErrorCode.VoteNotForThisVoting;
    }
    if (options.voterKey === undefined) return undefined;
    const key = options.voterKey(vote.publickey);
    if (key === undefined) return ErrorCode.NotAMember;
    try {
      verifyVote(key, { ...signed, signature: vote.signature }, `votes.vote[${index}].signature`);
      return undefined;
    } catch (error) {
      if (error instanceof ProtocolError) return error.code;
      throw error;
    }
  };
  const order = file.votes.map((_, index) => index);
  order.sort((a, b) => compareVotes(file.votes[a]!, file.votes[b]!) || a - b);

  const voted = new Set<string>();
  const rejected: VoteRejection[] = [];
  let counted = 0;
  for (const index of order) {
    const vote = file.votes[index]!;
    const count = counts.get(vote.option);
    let reason: VoteRejectionReason | undefined;
    let code: ErrorCode | undefined;
    if (count === undefined) reason = 'unknown-option';
    else if ((code = refusal(vote, index)) !== undefined) reason = 'bad-signature';
    else if (voted.has(vote.publickey)) reason = 'duplicate-voter';
    if (reason !== undefined || count === undefined) {
      rejected.push({
        index,
        publickey: vote.publickey,
        reason: reason ?? 'unknown-option',
        ...(code === undefined ? {} : { code }),
      });
      continue;
    }
    voted.add(vote.publickey);
    counts.set(vote.option, count + 1);
    counted++;
  }
  const totals: Record<string, number> = {};
  for (const [hash, count] of counts) totals[hash] = count;
  return { voting: file.voting, lastblock: file.lastblock, totals, counted, rejected };
}
