/**
 * @anchorpost/protocol/web — keys, groups and tx-files on WebCrypto, for browsers (no Node built-in
 * is reachable from here): the protocol's one engine (./engine/) run with WebCrypto's primitives
 * instead of node:crypto's, so a file built here opens in Node and the reverse (ADR 0040). The
 * `modern` (X25519, HKDF-SHA-256, AES-256-GCM, Ed25519) and `rsa-4096` (RSA-OAEP and RSA-PSS with
 * SHA-256, AES-256-GCM) suites. In-app voting's formats too: the Votes file (strict XML, canonical
 * bytes), the Votes file an organizer builds from collected votes, and vote signatures; and the
 * engine's steps and runners, so a package whose logic needs cryptography (`@anchorpost/voting`)
 * writes it once as steps and runs it on node:crypto or on WebCrypto.
 */
import { buildTxFileSteps, type BuildTxFileInput } from './engine/build.ts';
import {
  createGroupWith,
  openGroupSteps,
  parseGroupBundleSteps,
  type GroupBundle,
  type GroupKeys,
} from './engine/group.ts';
import { fingerprintSteps, generateIdentityWith } from './engine/identity.ts';
import {
  parsePrivateKeyFileSteps,
  parsePublicKeyFileSteps,
  privateKeyFileSteps,
  publicKeyFileSteps,
  type PrivateKeyFile,
  type PublicKeyFile,
} from './engine/key-files.ts';
import { openTxFileSteps, type OpenedTxFile, type OpenTxFileOptions } from './engine/open.ts';
import { runAsync } from './engine/primitives.ts';
import { hmacHexSteps } from './engine/state.ts';
import { signVoteSteps, verifyVoteSteps, type VoteSignedFields } from './engine/vote-signature.ts';
import { webPrimitives } from './engine/web-primitives.ts';
import type { PrivateIdentity, PublicIdentity } from './crypto/identity.ts';
import type { SuiteName, TxFile } from './tx-file/schema.ts';

export type { BuildTxFileInput } from './engine/build.ts';
export type { PrivateKeyFile, PublicKeyFile } from './engine/key-files.ts';
export type { GroupBundle, GroupKeys } from './engine/group.ts';
export { GENESIS_STATE } from './engine/state.ts';
export { groupPublicKeyBytes } from './engine/group.ts';
export type { OpenedTxFile, OpenTxFileOptions } from './engine/open.ts';
export { webPrimitives } from './engine/web-primitives.ts';
export type { PrivateIdentity, PublicIdentity } from './crypto/identity.ts';
export { publicKeyBytes } from './crypto/public-key-bytes.ts';
export { parseTxFile } from './tx-file/parse.ts';
export { serializeTxFile } from './tx-file/serialize.ts';
export { DEFAULT_TX_FILE_LIMITS } from './tx-file/limits.ts';
export type { BlockRef, SuiteName, TxFile } from './tx-file/schema.ts';
export { cidForBytesWeb } from './cid/cid-for-bytes-web.ts';
export { call, runAsync, runSync } from './engine/primitives.ts';
export type { CryptoPrimitives, Steps } from './engine/primitives.ts';
export { buildTxFileSteps } from './engine/build.ts';
export { openTxFileSteps } from './engine/open.ts';
export { fingerprintSteps } from './engine/identity.ts';
export {
  signVoteSteps,
  verifyVoteSteps,
  VOTE_SIGNATURE_DOMAIN,
  voteSigningBytes,
  type VoteSignedFields,
} from './engine/vote-signature.ts';
export {
  canonicalizeVotesFile,
  compareVotes,
  parseVotesFile,
  serializeVotesFile,
  VOTES_FILE_VERSION,
} from './voting/votes-file.ts';
export type { ParseVotesFileOptions, VotesFile, VotesFileVote } from './voting/votes-file.ts';
export { tallyFromVoteFiles, type CollectedVote } from './voting/collected-votes.ts';

/** A fresh identity (encryption + signing key pairs) with WebCrypto. */
export async function generateIdentityWeb(suite: SuiteName = 'modern'): Promise<PrivateIdentity> {
  return generateIdentityWith(webPrimitives, suite);
}

/** An identity's fingerprint (its public id). */
export async function fingerprintWeb(identity: PublicIdentity): Promise<string> {
  return runAsync(fingerprintSteps(identity), webPrimitives);
}

/** HMAC-SHA512 hex, as every `sha512hash` and a group's recipient hash. */
export async function hmacHexWeb(secret: Uint8Array, data: Uint8Array): Promise<string> {
  return runAsync(hmacHexSteps(secret, data), webPrimitives);
}

/** A new group of `members`: its keys, and the bundle each member opens with its own key. */
export async function createGroupWeb(
  suite: SuiteName,
  members: readonly PublicIdentity[],
): Promise<{ keys: GroupKeys; bundle: GroupBundle }> {
  return createGroupWith(webPrimitives, suite, members);
}

/** A member opens its entry of a group bundle; NOT_A_MEMBER when the bundle holds none for it. */
export async function openGroupWeb(bundle: unknown, member: PrivateIdentity): Promise<GroupKeys> {
  return runAsync(openGroupSteps(bundle, member), webPrimitives);
}

/** A group bundle (JSON value) checked: its id against its public key, its member entries. */
export async function parseGroupBundleWeb(bundle: unknown): Promise<GroupBundle> {
  return runAsync(parseGroupBundleSteps(bundle), webPrimitives);
}

/** Encrypts and signs a tx-file, as `buildTxFile` does with node:crypto. */
export async function buildTxFileWeb(input: BuildTxFileInput): Promise<TxFile> {
  return runAsync(buildTxFileSteps(input), webPrimitives);
}

/** Decrypts a tx-file and makes every check `openTxFile` makes. */
export async function openTxFileWeb(tx: TxFile, options: OpenTxFileOptions): Promise<OpenedTxFile> {
  return runAsync(openTxFileSteps(tx, options), webPrimitives);
}

/** The `public-key.json` of a key (what `anchorpost keys new` writes), its id the keys' fingerprint. */
export async function toPublicKeyFileWeb(identity: PublicIdentity): Promise<PublicKeyFile> {
  return runAsync(publicKeyFileSteps(identity), webPrimitives);
}

/** The `private-key.json` of an identity; keep it private. */
export async function toPrivateKeyFileWeb(identity: PrivateIdentity): Promise<PrivateKeyFile> {
  return runAsync(privateKeyFileSteps(identity), webPrimitives);
}

/** A public key file read back: BAD_KEY when its id is not its keys'. */
export async function parsePublicKeyFileWeb(value: unknown, where = 'key'): Promise<PublicIdentity> {
  return runAsync(parsePublicKeyFileSteps(value, where), webPrimitives);
}

/** A private key file read back: BAD_KEY when its id is not its keys' or its halves differ. */
export async function parsePrivateKeyFileWeb(value: unknown, where = 'key'): Promise<PrivateIdentity> {
  return runAsync(parsePrivateKeyFileSteps(value, where), webPrimitives);
}

/** A voter's signature (canonical base64) over this voting, this voter and this option. */
export async function signVoteWeb(voter: PrivateIdentity, fields: VoteSignedFields): Promise<string> {
  return runAsync(signVoteSteps(voter, fields), webPrimitives);
}

/** VOTE_NOT_FOR_THIS_VOTING or LEGACY_VOTE_SIGNATURE unless the voter signed this vote, as `verifyVote`. */
export async function verifyVoteWeb(
  voterKey: PublicIdentity,
  vote: VoteSignedFields & { signature: string },
  field = 'vote.signature',
): Promise<void> {
  return runAsync(verifyVoteSteps(voterKey, vote, field), webPrimitives);
}
