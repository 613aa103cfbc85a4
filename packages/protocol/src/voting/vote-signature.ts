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
 * are refused with LEGACY_VOTE_SIGNATURE (told apart from a forgery only to say why).
 */
import { concatBytes, fromBase64, fromHex, toBase64, utf8 } from '../bytes.ts';
import type { PrivateIdentity, PublicIdentity } from '../crypto/identity.ts';
import { getSuite } from '../crypto/suites.ts';
import { ErrorCode, ProtocolError } from '../errors.ts';

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
export function signVote(voter: PrivateIdentity, fields: VoteSignedFields): string {
  return toBase64(getSuite(voter.public.suite).sign(voter.signing, voteSigningBytes(fields)));
}

/**
 * Checks `signature` (canonical base64) against the voter's public key over this voting, this
 * voter and this option. Throws VOTE_NOT_FOR_THIS_VOTING when it does not verify (forged, or
 * moved from another voting or voter), LEGACY_VOTE_SIGNATURE when it is a v1 signature over the
 * option alone. `field` names the signature in errors.
 */
export function verifyVote(
  voterKey: PublicIdentity,
  vote: VoteSignedFields & { signature: string },
  field = 'vote.signature',
): void {
  const suite = getSuite(voterKey.suite);
  const signature = fromBase64(vote.signature, field);
  const prefix = field.replace(/\.signature$/, '');
  let valid: boolean;
  try {
    valid = suite.verify(voterKey.signing, voteSigningBytes(vote, prefix), signature);
  } catch (error) {
    if (error instanceof ProtocolError) throw error;
    valid = false;
  }
  if (valid) return;
  let legacy: boolean;
  try {
    legacy = suite.verify(voterKey.signing, legacyVoteSigningBytes(vote.option), signature);
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
