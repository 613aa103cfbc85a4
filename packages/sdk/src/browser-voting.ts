/**
 * @anchorpost/sdk/browser-voting — in-app voting from a page, on WebCrypto: the organizer's voting
 * file (`newVoting`), a member's vote (`castVote`), the recount from anchored data with every proof
 * verified in the page (`tallyVoting`), and the organizer's canonical Votes file (`closeVoting`).
 * The same code as the Node entry's (./voting.ts, and `@anchorpost/voting`'s rules as protocol
 * engine steps), run with WebCrypto's primitives. No Node built-in is reachable from here
 * (test/browser-bundle.test.ts bundles it; test/browser-voting.test.ts runs it in Chromium).
 */
import { runAsync, webPrimitives } from '@anchorpost/protocol/web';
import { buildGroupTxFileWeb } from './browser-app.ts';
import { votingOn } from './voting.ts';

export { VoteRejectionCode, VotesFileFindingCode } from '@anchorpost/voting/web';
export type {
  AnchoredTally,
  CountedVote,
  RejectedVote,
  VotesFileCheck,
  VotesFileFinding,
} from '@anchorpost/voting/web';
export type { DeadlineChain, GroupFilesSource, UnverifiedTxFile } from './group-files.ts';
export type { Recount, SendingOptions, SentTxFile, TxFileSender } from './voting.ts';
export { isSdkError, SdkError, SdkErrorCode } from './sdk-error.ts';

const voting = votingOn({
  buildGroupTxFile: buildGroupTxFileWeb,
  run: (steps) => runAsync(steps, webPrimitives),
});

/** The organizer's voting file: `question`, two or more different option titles, the deadline block. */
export const newVoting = voting.newVoting;
/** A member's vote for `option` (a title of the voting); NOT_A_VOTING and UNKNOWN_OPTION refused before sending. */
export const castVote = voting.castVote;
/** Recounts the voting from the group's anchored files, each proof verified against the caller's trust roots. */
export const tallyVoting = voting.tallyVoting;
/** After the deadline block, the organizer's canonical Votes file, listing every anchored vote, sent to the group. */
export const closeVoting = voting.closeVoting;
