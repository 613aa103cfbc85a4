/**
 * @anchorpost/voting — in-app voting recounted from anchored data (seed 001, "In-app voting"):
 * the tally, every vote that does not count with its reason, and the check of the organizer's
 * Votes file. Framework-free and without I/O: the caller fetches the files and verifies their proofs.
 * The rules are written once, as the protocol engine's steps (ADR 0040): this entry runs them on
 * node:crypto, `@anchorpost/voting/web` on WebCrypto.
 */
import { nodePrimitives } from '@anchorpost/protocol';
import { runSync } from '@anchorpost/protocol/web';
import {
  tallyAnchoredVotingSteps,
  type AnchoredTally,
  type AnchoredVotingInput,
} from './tally-anchored-voting.ts';

export * from './web.ts';

/** The recount from the group's anchored tx-files, on node:crypto (synchronous). */
export function tallyAnchoredVoting(input: AnchoredVotingInput): AnchoredTally {
  return runSync(tallyAnchoredVotingSteps(input), nodePrimitives);
}
