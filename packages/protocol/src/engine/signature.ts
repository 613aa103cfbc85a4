/**
 * What a tx-file's parties sign, signing it and checking a signature, as engine steps
 * (tx-file/signature.ts has the why: ADR 0017's v0.2 digest, and the LEGACY v0.1 after-state).
 */
import { concatBytes, fromBase64, fromHex, toBase64, utf8 } from '../bytes.ts';
import type { PrivateIdentity } from '../crypto/identity.ts';
import { ErrorCode, ProtocolError } from '../errors.ts';
import { LEGACY_TX_FILE_VERSION, type SuiteName, type TxFile } from '../tx-file/schema.ts';
import { canonicalDigestBytes } from '../tx-file/serialize.ts';
import { call, type Steps } from './primitives.ts';

export const TX_FILE_SIGNATURE_DOMAIN = 'anchorpost/v2/tx-file';

/** What v0.1 signatures were made over, kept only to open old files as a member. */
export const LEGACY_AFTER_STATE_DOMAIN = 'anchorpost/v1/after-state';

/** SHA-512 of canonicalDigestBytes(tx): the file's public digest, 64 bytes. */
export function* txFileDigestSteps(tx: TxFile): Steps<Uint8Array> {
  const bytes = canonicalDigestBytes(tx);
  return yield* call((c) => c.sha512(bytes));
}

/** The exact v0.2 message the client and each sender sign: the domain, then the digest. */
export function* signingMessageSteps(tx: TxFile): Steps<Uint8Array> {
  return concatBytes(utf8(TX_FILE_SIGNATURE_DOMAIN), yield* txFileDigestSteps(tx));
}

/** LEGACY (v0.1): `"anchorpost/v1/after-state" ‖ after`; only members can tie it to a file. */
export function legacyAfterStateMessage(after: string): Uint8Array {
  return concatBytes(utf8(LEGACY_AFTER_STATE_DOMAIN), fromHex(after, 'transaction.state.after'));
}

/** What this file's signatures cover, by its version (for members, who checked `state.after`). */
export function* messageSignedBySteps(tx: TxFile): Steps<Uint8Array> {
  // LEGACY: v0.1 files are still opened by members; nobody else can rely on this message.
  if (tx.version === LEGACY_TX_FILE_VERSION) return legacyAfterStateMessage(tx.state.after);
  return yield* signingMessageSteps(tx);
}

/** Fills in the client's and every sender's signature of a v0.2 file whose `state.after` is set. */
export function* signTxFileSteps(
  tx: TxFile,
  client: PrivateIdentity,
  senders: readonly PrivateIdentity[],
): Steps<void> {
  const message = yield* signingMessageSteps(tx);
  const suite = tx.suite;
  tx.client.signature = toBase64(yield* call((c) => c.suite(suite).sign(client.signing, message)));
  for (const [i, sender] of senders.entries()) {
    tx.sender[i]!.signature = toBase64(yield* call((c) => c.suite(suite).sign(sender.signing, message)));
  }
}

/** BAD_SIGNATURE at `field` unless `signature` (canonical base64) verifies over `message`. */
export function* checkSignatureSteps(
  suite: SuiteName,
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: string,
  field: string,
): Steps<void> {
  const bytes = fromBase64(signature, field);
  if (!(yield* call((c) => c.suite(suite).verify(publicKey, message, bytes)))) {
    throw new ProtocolError(ErrorCode.BadSignature, field, 'signature does not verify');
  }
}
