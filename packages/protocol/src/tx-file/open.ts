/**
 * Opening a transaction-file as a group member: decrypt every field, check every HMAC, recompute
 * the state chain, and verify every signature. Any altered byte fails with a code naming the field.
 * v0.2 signatures cover the file's public digest; v0.1 files still open (LEGACY: their signatures
 * cover the after-state, which is tied to the bytes only by the check members make here).
 */
import { bytesEqual, fromBase64 } from '../bytes.ts';
import { aeadDecrypt } from '../crypto/aead.ts';
import { groupPublicKeyBytes, type GroupKeys } from '../crypto/group.ts';
import { fingerprint, parsePublicKeyBytes, publicKeyBytes, type PublicIdentity } from '../crypto/identity.ts';
import { getSuite } from '../crypto/suites.ts';
import { ErrorCode, ProtocolError } from '../errors.ts';
import { CONTENT_KEY_CONTEXT, fieldContext } from './contexts.ts';
import type { MessageReference, SealedField, TxFile } from './schema.ts';
import { verifyVote } from '../voting/vote-signature.ts';
import { checkSignature, messageSignedBy } from './signature.ts';
import { computeAfterState, hashesEqual, hmacHex } from './state.ts';

export interface OpenTxFileOptions {
  group: GroupKeys;
  /**
   * Resolves the client application's public key by `client.id`. When it resolves, the client's
   * HMAC and signature are checked; otherwise `client.verified` is false.
   */
  clientKey?: (id: string) => PublicIdentity | undefined;
}

export interface OpenedTxFile {
  suite: TxFile['suite'];
  message: {
    header?: Uint8Array;
    data: Uint8Array;
    regarding?: MessageReference;
    forwarded?: MessageReference;
    attachments: Uint8Array[];
  };
  senders: PublicIdentity[];
  voting?: {
    secret: Uint8Array;
    lastblock: number;
    options: { hash: string; title: Uint8Array; description?: Uint8Array }[];
  };
  vote?: TxFile['vote'];
  blockchain: TxFile['blockchain'];
  state: TxFile['state'];
  client: { id: string; verified: boolean };
}

export function openTxFile(tx: TxFile, options: OpenTxFileOptions): OpenedTxFile {
  const { group } = options;
  if (tx.suite !== group.suite) {
    throw new ProtocolError(
      ErrorCode.NotAMember,
      'transaction.suite',
      `file uses ${tx.suite}, group uses ${group.suite}`,
    );
  }
  const suite = getSuite(tx.suite);
  let contentKey: Uint8Array;
  try {
    contentKey = suite.open(group.privateKey, fromBase64(tx.key, 'transaction.key'), CONTENT_KEY_CONTEXT);
  } catch (cause) {
    if (cause instanceof ProtocolError) throw cause;
    throw new ProtocolError(
      ErrorCode.NotAMember,
      'transaction.key',
      'the content key does not open with this group key (another group, or altered)',
      { cause },
    );
  }

  const unseal = (path: string, field: SealedField): Uint8Array => {
    let plaintext: Uint8Array;
    try {
      plaintext = aeadDecrypt(
        contentKey,
        fromBase64(field.ciphertext, `${path}.ciphertext`),
        fieldContext(path),
      );
    } catch (cause) {
      if (cause instanceof ProtocolError) throw cause;
      throw new ProtocolError(
        ErrorCode.DecryptFailed,
        `${path}.ciphertext`,
        'ciphertext fails authentication',
        { cause },
      );
    }
    if (!hashesEqual(hmacHex(group.secret, plaintext), field.sha512hash)) {
      throw new ProtocolError(
        ErrorCode.HmacMismatch,
        `${path}.sha512hash`,
        'HMAC does not match the decrypted content',
      );
    }
    return plaintext;
  };

  const recipient = unseal('transaction.recipient', tx.recipient);
  if (!bytesEqual(recipient, groupPublicKeyBytes(group.suite, group.publicKey))) {
    throw new ProtocolError(ErrorCode.NotAMember, 'transaction.recipient', 'the file names another group');
  }

  const message: OpenedTxFile['message'] = {
    ...(tx.message.header ? { header: unseal('transaction.message.header', tx.message.header) } : {}),
    data: unseal('transaction.message.data', tx.message.data),
    ...(tx.message.regarding ? { regarding: tx.message.regarding } : {}),
    ...(tx.message.forwarded ? { forwarded: tx.message.forwarded } : {}),
    attachments: (tx.message.attachment ?? []).map((a, i) =>
      unseal(`transaction.message.attachment[${i}]`, a),
    ),
  };

  const voting = tx.voting && {
    secret: unseal('transaction.voting.secret', tx.voting.secret),
    lastblock: tx.voting.lastblock,
    options: tx.voting.option.map((option, i) => ({
      hash: option.title.sha512hash,
      title: unseal(`transaction.voting.option[${i}].title`, option.title),
      ...(option.description
        ? { description: unseal(`transaction.voting.option[${i}].description`, option.description) }
        : {}),
    })),
  };

  const senders = tx.sender.map((sender, i) =>
    parsePublicKeyBytes(tx.suite, unseal(`transaction.sender[${i}]`, sender), `transaction.sender[${i}]`),
  );

  if (!hashesEqual(computeAfterState(tx, group.secret), tx.state.after)) {
    throw new ProtocolError(
      ErrorCode.StateMismatch,
      'transaction.state.after',
      'after-state does not match the file content and before-state',
    );
  }
  // v0.2: the public digest (which includes the after-state just checked); LEGACY v0.1: the after-state.
  const signed = messageSignedBy(tx);
  senders.forEach((sender, i) => {
    checkSignature(
      suite,
      sender.signing,
      signed,
      tx.sender[i]!.signature,
      `transaction.sender[${i}].signature`,
    );
  });

  if (tx.vote) {
    const voter = senders[0]!;
    if (!hashesEqual(hmacHex(group.secret, publicKeyBytes(voter)), tx.vote.voter)) {
      throw new ProtocolError(
        ErrorCode.HmacMismatch,
        'transaction.vote.voter',
        'voter hash is not the first sender',
      );
    }
    // Over this voting and this voter too: a signature copied from another vote fails here.
    verifyVote(voter, tx.vote, 'transaction.vote.signature');
  }

  const clientKey = options.clientKey?.(tx.client.id);
  if (clientKey) {
    if (fingerprint(clientKey) !== tx.client.id) {
      throw new ProtocolError(
        ErrorCode.BadKey,
        'transaction.client.id',
        'resolved client key has another id',
      );
    }
    if (!hashesEqual(hmacHex(group.secret, publicKeyBytes(clientKey)), tx.client.sha512hash)) {
      throw new ProtocolError(
        ErrorCode.HmacMismatch,
        'transaction.client.sha512hash',
        'client hash does not match the client key',
      );
    }
    checkSignature(suite, clientKey.signing, signed, tx.client.signature, 'transaction.client.signature');
  }

  return {
    suite: tx.suite,
    message,
    senders,
    ...(voting ? { voting } : {}),
    ...(tx.vote ? { vote: tx.vote } : {}),
    blockchain: tx.blockchain,
    state: tx.state,
    client: { id: tx.client.id, verified: clientKey !== undefined },
  };
}
