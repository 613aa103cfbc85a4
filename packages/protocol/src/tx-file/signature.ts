/**
 * What the client and every sender sign, and how anyone checks it (ADR 0017).
 *
 * v0.2: every signature covers a public digest of the file, domain-separated:
 *
 *   digest  = SHA-512(canonicalDigestBytes(tx))
 *   message = "anchorpost/v2/tx-file" ‖ digest            (21 ASCII bytes, then 64 bytes)
 *
 * canonicalDigestBytes is the canonical serialization with `client.signature` and every
 * `sender[i].signature` written as '' and everything else as it is, `state.after` included. No key
 * goes in, so a relay, a batcher, a parser or an auditor checks the client's signature with the
 * file's bytes and the client's public key alone, and the after-state inside binds the file's
 * place in its client's chain as well. The voter (`sender[0]`) signs this message like every
 * sender, besides its vote signature (voting/vote-signature.ts), which the digest covers too.
 *
 * v0.1 (LEGACY): signatures covered `"anchorpost/v1/after-state" ‖ state.after` only. `after` is
 * keyed by the group secret, so outside the group nothing tied such a signature to the bytes: one
 * seen on an accepted file could be put on any other file with the same `client.id` and
 * `state.after`. Members still check it when they open an old file (messageSignedBy);
 * verifyClientSignature, what a relay calls, refuses such files (LEGACY_TX_FILE).
 */
import { fingerprint, type PrivateIdentity, type PublicIdentity } from '../crypto/identity.ts';
import { nodePrimitives } from '../engine/node-primitives.ts';
import { runSync } from '../engine/primitives.ts';
import {
  checkSignatureSteps,
  messageSignedBySteps,
  signingMessageSteps,
  signTxFileSteps,
  txFileDigestSteps,
} from '../engine/signature.ts';
import { ErrorCode, ProtocolError } from '../errors.ts';
import { LEGACY_TX_FILE_VERSION, type TxFile } from './schema.ts';

export { TX_FILE_SIGNATURE_DOMAIN } from '../engine/signature.ts';
export { LEGACY_AFTER_STATE_DOMAIN, legacyAfterStateMessage } from '../engine/signature.ts';

/** SHA-512 of canonicalDigestBytes(tx): the file's public digest, 64 bytes. */
export function txFileDigest(tx: TxFile): Uint8Array {
  return runSync(txFileDigestSteps(tx), nodePrimitives);
}

/** The exact v0.2 message the client and each sender sign (see the module comment). */
export function txFileSigningMessage(tx: TxFile): Uint8Array {
  return runSync(signingMessageSteps(tx), nodePrimitives);
}

/**
 * What this file's signatures cover, by its version. For members, who have checked `state.after`
 * against the content first: for a v0.1 file that check is what ties its signatures to the bytes.
 */
export function messageSignedBy(tx: TxFile): Uint8Array {
  return runSync(messageSignedBySteps(tx), nodePrimitives);
}

/**
 * Fills in `client.signature` and every `sender[i].signature` of a v0.2 file whose `state.after`
 * is already set; `senders[i]` signs as `tx.sender[i]`.
 */
export function signTxFile(tx: TxFile, client: PrivateIdentity, senders: readonly PrivateIdentity[]): void {
  runSync(signTxFileSteps(tx, client, senders), nodePrimitives);
}

/** Refuses a v0.1 file (LEGACY_TX_FILE): its client signature proves nothing outside the group. */
export function refuseLegacyTxFile(tx: TxFile): void {
  if (tx.version !== LEGACY_TX_FILE_VERSION) return;
  throw new ProtocolError(
    ErrorCode.LegacyTxFile,
    'transaction.version',
    `a v${LEGACY_TX_FILE_VERSION} file: its signatures cover only the group-keyed after-state, not the file's bytes; send a v0.2 file`,
  );
}

/**
 * What anyone can check without the group secret: the client's signature over the file's public
 * digest, against the client's public key. Refuses v0.1 files (LEGACY_TX_FILE), a key with another
 * id (BAD_KEY) and a signature that does not verify (BAD_SIGNATURE).
 */
export function verifyClientSignature(tx: TxFile, clientKey: PublicIdentity): void {
  refuseLegacyTxFile(tx);
  if (fingerprint(clientKey) !== tx.client.id) {
    throw new ProtocolError(
      ErrorCode.BadKey,
      'transaction.client.id',
      'file is not signed by this client key',
    );
  }
  const field = 'transaction.client.signature';
  const message = txFileSigningMessage(tx);
  runSync(
    checkSignatureSteps(tx.suite, clientKey.signing, message, tx.client.signature, field),
    nodePrimitives,
  );
}
