/**
 * Counting the anchored votes of one voting, each rule in turn; the first rule a vote breaks is
 * its reason. A rejected vote never uses up its member's one vote.
 */
import { ErrorCode, isProtocolError } from '@anchorpost/protocol/portable';
import {
  fingerprintSteps,
  openTxFileSteps,
  type GroupKeys,
  type OpenedTxFile,
  type Steps,
} from '@anchorpost/protocol/web';
import type { ParsedAnchoredTxFile } from './anchored-tx-file.ts';
import { VoteRejectionCode } from './vote-rejection.ts';
import type { OpenedVoting } from './opened-voting.ts';

export interface CountedVote {
  cid: string;
  /** Fingerprint of the voter's public key (the group bundle's member id). */
  voter: string;
  option: string;
  anchoredHeight: number;
}

export interface RejectedVote {
  cid: string;
  code: VoteRejectionCode;
  message: string;
  anchoredHeight: number;
  /** The voter's fingerprint, when the file opened. */
  voter?: string;
  option: string;
  /** For DOUBLE_VOTE: the CID of the member's vote that counts. */
  counted?: string;
}

type Verdict = { voter: string } | Omit<RejectedVote, 'cid' | 'anchoredHeight' | 'option'>;

/** Opens the vote's file; its signature is checked over the voting it names, which is this one. */
function* openVote(file: ParsedAnchoredTxFile, group: GroupKeys): Steps<OpenedTxFile | Verdict> {
  try {
    return yield* openTxFileSteps(file.tx, { group });
  } catch (error) {
    if (!isProtocolError(error)) throw error;
    if (error.code === ErrorCode.VoteNotForThisVoting || error.code === ErrorCode.LegacyVoteSignature) {
      return {
        code: VoteRejectionCode.VoteNotForThisVoting,
        message: `its signature is not over this voting, this voter and this option (${error.code})`,
      };
    }
    return {
      code: VoteRejectionCode.UnreadableVote,
      message: `${error.code} ${error.field}: ${error.message}`,
    };
  }
}

function* judge(
  file: ParsedAnchoredTxFile,
  voting: OpenedVoting,
  group: GroupKeys,
  members: ReadonlySet<string>,
): Steps<Verdict> {
  const opened = yield* openVote(file, group);
  if (!('senders' in opened)) return opened;
  const voter = yield* fingerprintSteps(opened.senders[0]!);
  if (!members.has(voter)) {
    return {
      code: VoteRejectionCode.NotAMember,
      voter,
      message: `voter ${voter} is not a member of the group`,
    };
  }
  if (file.anchoredHeight > voting.lastblock) {
    return {
      code: VoteRejectionCode.LateVote,
      voter,
      message: `anchored in block ${file.anchoredHeight}, after the deadline block ${voting.lastblock}`,
    };
  }
  if (!voting.options.some((option) => option.hash === file.tx.vote!.option)) {
    return { code: VoteRejectionCode.UnknownOption, voter, message: 'its option is none of the voting' };
  }
  return { voter };
}

/** Counts `votes` (this voting's, in anchoring order) by the rules above. */
export function* countVotesSteps(
  votes: readonly ParsedAnchoredTxFile[],
  voting: OpenedVoting,
  group: GroupKeys,
  members: ReadonlySet<string>,
): Steps<{ counted: CountedVote[]; rejected: RejectedVote[] }> {
  const counted: CountedVote[] = [];
  const rejected: RejectedVote[] = [];
  const countedBy = new Map<string, string>();
  for (const file of votes) {
    const where = { cid: file.cid, anchoredHeight: file.anchoredHeight, option: file.tx.vote!.option };
    const verdict = yield* judge(file, voting, group, members);
    if ('code' in verdict) {
      rejected.push({ ...where, ...verdict });
      continue;
    }
    const earlier = countedBy.get(verdict.voter);
    if (earlier !== undefined) {
      rejected.push({
        ...where,
        code: VoteRejectionCode.DoubleVote,
        voter: verdict.voter,
        counted: earlier,
        message: `member ${verdict.voter} voted before: ${earlier}, anchored earlier, is the one that counts`,
      });
      continue;
    }
    countedBy.set(verdict.voter, file.cid);
    counted.push({ ...where, voter: verdict.voter });
  }
  return { counted, rejected };
}
