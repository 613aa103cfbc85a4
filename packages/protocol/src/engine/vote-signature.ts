/**
 * What a voter signs, and how a vote's signature is checked.
 *
 * A vote signature covers the voting, the voter and the option, so an organizer cannot copy a
 * member's vote from one voting into the Votes file of another (same group, same option titles),
 * nor list it under another voter:
 *
 *   "anchorpost/v2/vote" ‖ u32(64) ‖ voting ‖ u32(64) ‖ voter ‖ u32(64) ‖ option
 *
 * `voting` is the voting transaction-file's `state.after` (the Votes file's `voting`), `voter` the
 * HMAC of the voter's public key (`vote.voter`, the Votes file's `publickey`), `option` the chosen
 * option's title hash; each is the 64 raw bytes of its 128 hex characters, u32 is big-endian.
 *
 * The v1 form, `"anchorpost/v1/vote" ‖ option`, named neither the voting nor the voter. Such votes
 * are refused with LEGACY_VOTE_SIGNATURE (told apart from a forgery only to say why). Engine steps
 * (./primitives.ts); voting/vote-signature.ts runs them with node:crypto.
 */
import { concatBytes, fromBase64, fromHex, toBase64, utf8 } from '../bytes.ts';
import type { PrivateIdentity, PublicIdentity } from '../crypto/identity.ts';
import { ErrorCode, ProtocolError } from '../errors.ts';
import { call, type Steps } from './primitives.ts';

export const VOTE_SIGNATURE_DOMAIN = 'anchorpost/v2/vote';
/** The refused v1 domain, kept only to recognise old votes. */
export const LEGACY_VOTE_SIGNATURE_DOMAIN = 'anchorpost/v1/vote';

/** The three hashes a vote signature covers (128 lower-case hex each). */
export interface VoteSignedFields {
  /** The voting transaction-file's `state.after`. */
  voting: string;
  /** HMAC of the voter's public key (`vote.voter`; `publickey` in a Votes file). */
  voter: string;
  /** The chosen option's title hash. */
  option: string;
}

function lengthPrefixed(bytes: Uint8Array): Uint8Array {
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, bytes.byteLength);
  return concatBytes(length, bytes);
}

function hash64(hex: string, field: string): Uint8Array {
  const bytes = fromHex(hex, field);
  if (bytes.byteLength !== 64) {
    throw new ProtocolError(ErrorCode.BadFormat, field, 'expected 128 lower-case hex characters');
  }
  return bytes;
}

/** The exact bytes a voter signs (see the module comment). `prefix` names the fields in errors. */
export function voteSigningBytes(fields: VoteSignedFields, prefix = 'vote'): Uint8Array {
  return concatBytes(
    utf8(VOTE_SIGNATURE_DOMAIN),
    lengthPrefixed(hash64(fields.voting, `${prefix}.voting`)),
    lengthPrefixed(hash64(fields.voter, `${prefix}.voter`)),
    lengthPrefixed(hash64(fields.option, `${prefix}.option`)),
  );
}

/** The v1 signing bytes, `"anchorpost/v1/vote" ‖ option`: only to recognise refused old votes. */
export function legacyVoteSigningBytes(option: string, field = 'vote.option'): Uint8Array {
  return concatBytes(utf8(LEGACY_VOTE_SIGNATURE_DOMAIN), hash64(option, field));
}

/** The voter's signature (canonical base64) over {@link voteSigningBytes}. */
export function* signVoteSteps(voter: PrivateIdentity, fields: VoteSignedFields): Steps<string> {
  const bytes = voteSigningBytes(fields);
  return toBase64(yield* call((c) => c.suite(voter.public.suite).sign(voter.signing, bytes)));
}

/** Whether `signature` verifies over `message`; false (not an error) for a key that is none. */
function* verifiesSteps(key: PublicIdentity, message: Uint8Array, signature: Uint8Array): Steps<boolean> {
  try {
    return yield* call((c) => c.suite(key.suite).verify(key.signing, message, signature));
  } catch (error) {
    if (error instanceof ProtocolError) throw error;
    return false;
  }
}

/**
 * Checks `signature` (canonical base64) against the voter's public key over this voting, this
 * voter and this option. Throws VOTE_NOT_FOR_THIS_VOTING when it does not verify (forged, or
 * moved from another voting or voter), LEGACY_VOTE_SIGNATURE when it is a v1 signature over the
 * option alone. `field` names the signature in errors.
 */
export function* verifyVoteSteps(
  voterKey: PublicIdentity,
  vote: VoteSignedFields & { signature: string },
  field = 'vote.signature',
): Steps<void> {
  const signature = fromBase64(vote.signature, field);
  const prefix = field.replace(/\.signature$/, '');
  if (yield* verifiesSteps(voterKey, voteSigningBytes(vote, prefix), signature)) return;
  let legacy: boolean;
  try {
    legacy = yield* verifiesSteps(voterKey, legacyVoteSigningBytes(vote.option), signature);
  } catch {
    legacy = false;
  }
  if (legacy) {
    throw new ProtocolError(
      ErrorCode.LegacyVoteSignature,
      field,
      `a v1 vote signature (over the option alone, "${LEGACY_VOTE_SIGNATURE_DOMAIN}"): it names no voting or voter, so it is refused`,
    );
  }
  throw new ProtocolError(
    ErrorCode.VoteNotForThisVoting,
    field,
    'the vote signature does not cover this voting, this voter and this option',
  );
}
