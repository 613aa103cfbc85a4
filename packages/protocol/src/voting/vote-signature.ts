/**
 * What a voter signs, and how a vote's signature is checked, with node:crypto: the engine's steps
 * (../engine/vote-signature.ts, which has the signed bytes and the why) run synchronously.
 */
import type { PrivateIdentity, PublicIdentity } from '../crypto/identity.ts';
import { nodePrimitives } from '../engine/node-primitives.ts';
import { runSync } from '../engine/primitives.ts';
import { signVoteSteps, verifyVoteSteps, type VoteSignedFields } from '../engine/vote-signature.ts';

export {
  LEGACY_VOTE_SIGNATURE_DOMAIN,
  legacyVoteSigningBytes,
  VOTE_SIGNATURE_DOMAIN,
  voteSigningBytes,
  type VoteSignedFields,
} from '../engine/vote-signature.ts';

/** The voter's signature (canonical base64) over `voteSigningBytes`. */
export function signVote(voter: PrivateIdentity, fields: VoteSignedFields): string {
  return runSync(signVoteSteps(voter, fields), nodePrimitives);
}

/** VOTE_NOT_FOR_THIS_VOTING or LEGACY_VOTE_SIGNATURE unless the voter signed this vote. */
export function verifyVote(
  voterKey: PublicIdentity,
  vote: VoteSignedFields & { signature: string },
  field = 'vote.signature',
): void {
  runSync(verifyVoteSteps(voterKey, vote, field), nodePrimitives);
}
