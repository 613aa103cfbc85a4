/**
 * The Votes file an organizer builds from the vote files it collected. Apart from ./tally.ts, which
 * checks vote signatures with node:crypto: nothing here needs cryptography, so browsers build the
 * same file (`@anchorpost/protocol/web`).
 */
import { ErrorCode, ProtocolError } from '../errors.ts';
import type { TxVote } from '../tx-file/schema.ts';
import { canonicalizeVotesFile, checkVotesFile, compareVotes, VOTES_FILE_VERSION } from './votes-file.ts';
import type { VotesFile, VotesFileVote } from './votes-file.ts';

export const HEX128_RE = /^[0-9a-f]{128}$/;

/** A vote as the organizer collected it: the transaction-file's `vote` section and where it was anchored. */
export interface CollectedVote {
  vote: TxVote;
  /** Height of the block that anchored the voter's transaction-file. */
  anchoredHeight: number;
  /** CIDv1 (base32) of the voter's transaction-file, to be listed in the Votes file. */
  txfile?: string;
}

/**
 * Builds the Votes file an organizer publishes for the voting whose transaction-file has
 * `state.after` = `votingAfter`. Keeps the collected votes whose `vote.voting` is `votingAfter` and
 * whose `anchoredHeight` is a height at or below `lastblock`; skips any whose fields could not be
 * written into a valid Votes file (they would be rejected by every reader anyway); drops exact
 * duplicates (the same transaction-file seen twice). Duplicate voters and unknown options are kept:
 * the file lists what was collected and {@link tallyVotes} decides, so every member can check it.
 * The result is canonical (votes sorted); pass it to `serializeVotesFile`.
 */
export function tallyFromVoteFiles(
  votingAfter: string,
  lastblock: number,
  voteSections: readonly CollectedVote[],
): VotesFile {
  if (typeof votingAfter !== 'string' || votingAfter.length !== 128 || !HEX128_RE.test(votingAfter)) {
    throw new ProtocolError(ErrorCode.BadFormat, 'votingAfter', 'expected 128 lower-case hex characters');
  }
  if (!Number.isSafeInteger(lastblock) || lastblock < 0) {
    throw new ProtocolError(ErrorCode.OutOfRange, 'lastblock', 'expected a non-negative safe integer');
  }
  const header: VotesFile = { version: VOTES_FILE_VERSION, voting: votingAfter, lastblock, votes: [] };
  const votes: VotesFileVote[] = [];
  for (const section of voteSections) {
    const { vote, anchoredHeight, txfile } = section;
    if (vote.voting !== header.voting) continue;
    if (!Number.isSafeInteger(anchoredHeight) || anchoredHeight < 0 || anchoredHeight > header.lastblock)
      continue;
    const entry: VotesFileVote = { option: vote.option, publickey: vote.voter, signature: vote.signature };
    if (txfile !== undefined) entry.txfile = txfile;
    try {
      checkVotesFile({ ...header, votes: [entry] });
    } catch (error) {
      if (error instanceof ProtocolError) continue;
      throw error;
    }
    votes.push(entry);
  }
  const file = canonicalizeVotesFile({ ...header, votes });
  file.votes = file.votes.filter((vote, i, all) => i === 0 || compareVotes(all[i - 1]!, vote) !== 0);
  return file;
}
