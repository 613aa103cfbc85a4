/**
 * Voting for Node: ./voting.ts's functions with tx-files built by ./tx-files.ts and the protocol
 * engine's steps run on node:crypto. `@anchorpost/sdk/browser-voting` runs the same code on WebCrypto.
 */
import { nodePrimitives } from '@anchorpost/protocol';
import { runSync } from '@anchorpost/protocol/web';
import { buildGroupTxFile } from './tx-files.ts';
import { votingOn } from './voting.ts';

const voting = votingOn({
  buildGroupTxFile,
  run: (steps) =>
    new Promise((resolve) => {
      resolve(runSync(steps, nodePrimitives));
    }),
});

/** The organizer's voting file: `question`, two or more different option titles, the deadline block. */
export const newVoting = voting.newVoting;
/**
 * A member's vote for `option` in the voting `votingBytes` (its file, as read from the relay and
 * checked against its CID), signed over this voting, this voter and this option. NOT_A_VOTING and
 * UNKNOWN_OPTION are refused before anything is sent.
 */
export const castVote = voting.castVote;
/**
 * Recounts the voting `votingCid` from the group's anchored files, each proof verified. The
 * deadline is counted on `deadlineChain`, by default the chain of the voting file's first anchor.
 */
export const tallyVoting = voting.tallyVoting;
/**
 * Once the deadline chain is past the deadline block (VOTING_OPEN before), the organizer lists every
 * anchored vote of the voting anchored by the deadline in the canonical Votes file, and sends it.
 */
export const closeVoting = voting.closeVoting;
