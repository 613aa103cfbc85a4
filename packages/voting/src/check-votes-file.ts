/**
 * Checking the organizer's Votes file against the anchored votes. It must list exactly the
 * anchored, on-time vote files that name this voting — every one of them, valid or not, as the
 * organizer collected them (the recount decides what counts) — and nothing else.
 */
import { isProtocolError } from '@anchorpost/protocol/portable';
import {
  fingerprintSteps,
  openTxFileSteps,
  type GroupKeys,
  type Steps,
  type VotesFile,
} from '@anchorpost/protocol/web';
import type { ParsedAnchoredTxFile } from './anchored-tx-file.ts';
import type { OpenedVoting } from './opened-voting.ts';
import { VotesFileFindingCode } from './vote-rejection.ts';
import { isVotesFileMessage, readVotesFileMessage } from './votes-file-message.ts';

export interface VotesFileFinding {
  code: VotesFileFindingCode;
  message: string;
  /** The vote concerned: its tx-file CID when known, and its listed fields. */
  vote?: { cid?: string; publickey?: string; option?: string };
}

export interface VotesFileCheck {
  /** 'consistent': it lists exactly the anchored on-time votes; 'missing': none is anchored. */
  status: 'consistent' | 'inconsistent' | 'missing';
  /** The Votes file's tx-file CID, when one is anchored. */
  cid?: string;
  /** How many votes it lists. */
  listed: number;
  findings: VotesFileFinding[];
}

type Candidate = { cid: string; votes: VotesFile } | { cid: string; unreadable: string };

/** The organizer's Votes files in anchoring order (this voting's, or unreadable ones). */
function* votesFilesOf(
  files: readonly ParsedAnchoredTxFile[],
  voting: OpenedVoting,
  group: GroupKeys,
): Steps<Candidate[]> {
  const candidates: Candidate[] = [];
  for (const file of files) {
    if (file.tx.vote !== undefined || file.tx.voting !== undefined) continue;
    if (file.tx.sender[0]?.sha512hash !== voting.organizerHash) continue;
    try {
      const opened = yield* openTxFileSteps(file.tx, { group });
      const sender = yield* fingerprintSteps(opened.senders[0]!);
      if (sender !== voting.organizer || !isVotesFileMessage(opened.message)) continue;
      const votes = readVotesFileMessage(opened.message);
      if (votes.voting === voting.after) candidates.push({ cid: file.cid, votes });
    } catch (error) {
      if (!isProtocolError(error)) throw error;
      candidates.push({ cid: file.cid, unreadable: `${error.code} ${error.field}: ${error.message}` });
    }
  }
  return candidates;
}

const key = (v: { publickey: string; option: string; signature: string }) =>
  `${v.publickey}/${v.option}/${v.signature}`;

/** Compares the listed votes with `expected` (the anchored on-time vote files of this voting). */
function compare(votes: VotesFile, expected: readonly ParsedAnchoredTxFile[]): VotesFileFinding[] {
  const findings: VotesFileFinding[] = [];
  const unmatched = new Map(expected.map((file) => [file.cid, file]));
  for (const [index, listed] of votes.votes.entries()) {
    const fields = { publickey: listed.publickey, option: listed.option };
    const match =
      listed.txfile !== undefined
        ? unmatched.get(listed.txfile)
        : [...unmatched.values()].find((file) => key(votedBy(file)) === key(listed));
    if (match === undefined || key(votedBy(match)) !== key(listed)) {
      findings.push({
        code: VotesFileFindingCode.ExtraVote,
        message: `vote ${index} is no anchored, on-time vote of this voting`,
        vote: { ...(listed.txfile === undefined ? {} : { cid: listed.txfile }), ...fields },
      });
      continue;
    }
    unmatched.delete(match.cid);
  }
  for (const file of unmatched.values()) {
    const { publickey, option } = votedBy(file);
    findings.push({
      code: VotesFileFindingCode.OmitsVote,
      message: `the anchored vote ${file.cid} (block ${file.anchoredHeight}) is not listed`,
      vote: { cid: file.cid, publickey, option },
    });
  }
  return findings;
}

function votedBy(file: ParsedAnchoredTxFile): { publickey: string; option: string; signature: string } {
  const vote = file.tx.vote!;
  return { publickey: vote.voter, option: vote.option, signature: vote.signature };
}

/**
 * Checks the organizer's first anchored Votes file of this voting. `votes` are the vote files
 * that name this voting, in anchoring order.
 */
export function* checkVotesFileSteps(
  files: readonly ParsedAnchoredTxFile[],
  votes: readonly ParsedAnchoredTxFile[],
  voting: OpenedVoting,
  group: GroupKeys,
): Steps<VotesFileCheck> {
  const candidates = yield* votesFilesOf(files, voting, group);
  const readable = candidates.find((candidate) => 'votes' in candidate);
  if (readable === undefined || !('votes' in readable)) {
    const unreadable = candidates[0];
    if (unreadable === undefined || !('unreadable' in unreadable)) {
      return {
        status: 'missing',
        listed: 0,
        findings: [
          { code: VotesFileFindingCode.Missing, message: 'the organizer has no anchored Votes file' },
        ],
      };
    }
    const finding = { code: VotesFileFindingCode.Unreadable, message: unreadable.unreadable };
    return { status: 'inconsistent', cid: unreadable.cid, listed: 0, findings: [finding] };
  }
  const findings: VotesFileFinding[] = [];
  if (readable.votes.lastblock !== voting.lastblock) {
    findings.push({
      code: VotesFileFindingCode.HeaderMismatch,
      message: `its lastblock is ${readable.votes.lastblock}, the voting's is ${voting.lastblock}`,
    });
  }
  const onTime = votes.filter((file) => file.anchoredHeight <= voting.lastblock);
  findings.push(...compare(readable.votes, onTime));
  return {
    status: findings.length === 0 ? 'consistent' : 'inconsistent',
    cid: readable.cid,
    listed: readable.votes.votes.length,
    findings,
  };
}
