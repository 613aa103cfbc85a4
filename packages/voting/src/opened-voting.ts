/** The organizer's voting file, opened: its options, its deadline and its organizer. */
import { isProtocolError } from '@anchorpost/protocol/portable';
import { fingerprintSteps, openTxFileSteps, type GroupKeys, type Steps } from '@anchorpost/protocol/web';
import type { ParsedAnchoredTxFile } from './anchored-tx-file.ts';
import { VotingError, VotingErrorCode } from './voting-error.ts';

export interface OpenedVoting {
  cid: string;
  /** The voting file's `state.after`: what every vote and the Votes file name as `voting`. */
  after: string;
  /** The deadline: votes anchored in a block above it do not count. */
  lastblock: number;
  /** The organizer's fingerprint (the voting file's first sender). */
  organizer: string;
  /** HMAC of the organizer's key (the voting file's `sender[0].sha512hash`): finds its other files unopened. */
  organizerHash: string;
  /** The question (the message data, UTF-8). */
  question: string;
  options: { hash: string; title: string }[];
  anchoredHeight: number;
}

const decoder = new TextDecoder();

export function* openVotingSteps(
  cid: string,
  files: readonly ParsedAnchoredTxFile[],
  group: GroupKeys,
): Steps<OpenedVoting> {
  const file = files.find((candidate) => candidate.cid === cid);
  if (file === undefined) {
    throw new VotingError(
      VotingErrorCode.VotingNotAnchored,
      'voting',
      `${cid} is not among the group's anchored tx-files`,
    );
  }
  let opened;
  try {
    opened = yield* openTxFileSteps(file.tx, { group });
  } catch (error) {
    if (!isProtocolError(error)) throw error;
    throw new VotingError(VotingErrorCode.VotingUnreadable, 'voting', `${error.code}: ${error.message}`, {
      cause: error,
    });
  }
  if (opened.voting === undefined) {
    throw new VotingError(VotingErrorCode.NotAVoting, 'voting', `${cid} has no voting section`);
  }
  return {
    cid,
    after: file.tx.state.after,
    lastblock: opened.voting.lastblock,
    organizer: yield* fingerprintSteps(opened.senders[0]!),
    organizerHash: file.tx.sender[0]!.sha512hash,
    question: decoder.decode(opened.message.data),
    options: opened.voting.options.map((option) => ({
      hash: option.hash,
      title: decoder.decode(option.title),
    })),
    anchoredHeight: file.anchoredHeight,
  };
}
