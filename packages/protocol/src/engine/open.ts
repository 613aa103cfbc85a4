/**
 * Opening a transaction-file as a group member: decrypt every field, check every HMAC, recompute
 * the state chain, and verify every signature. Any altered byte fails with a code naming the field.
 * v0.2 signatures cover the file's public digest; v0.1 files still open (LEGACY: their signatures
 * cover the after-state, which is tied to the bytes only by the check members make here). Engine
 * steps (./primitives.ts): tx-file/open.ts runs them with node:crypto, web.ts with WebCrypto.
 */
import { bytesEqual, fromBase64 } from '../bytes.ts';
import type { PublicIdentity } from '../crypto/identity.ts';
import { publicKeyBytes } from '../crypto/public-key-bytes.ts';
import { ErrorCode, ProtocolError } from '../errors.ts';
import { CONTENT_KEY_CONTEXT, fieldContext } from '../tx-file/contexts.ts';
import type { MessageReference, SealedField, TxFile } from '../tx-file/schema.ts';
import { groupPublicKeyBytes, type GroupKeys } from './group.ts';
import { fingerprintSteps, parsePublicKeyBytes } from './identity.ts';
import { call, type Steps } from './primitives.ts';
import { checkSignatureSteps, messageSignedBySteps } from './signature.ts';
import { afterStateSteps, hashesEqual, hmacHexSteps } from './state.ts';
import { verifyVoteSteps } from './vote-signature.ts';

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

type Unseal = (path: string, field: SealedField) => Steps<Uint8Array>;

function* contentKeySteps(tx: TxFile, group: GroupKeys): Steps<Uint8Array> {
  if (tx.suite !== group.suite) {
    throw new ProtocolError(
      ErrorCode.NotAMember,
      'transaction.suite',
      `file uses ${tx.suite}, group uses ${group.suite}`,
    );
  }
  const sealed = fromBase64(tx.key, 'transaction.key');
  try {
    return yield* call((c) => c.suite(tx.suite).open(group.privateKey, sealed, CONTENT_KEY_CONTEXT));
  } catch (cause) {
    if (cause instanceof ProtocolError) throw cause;
    throw new ProtocolError(
      ErrorCode.NotAMember,
      'transaction.key',
      'the content key does not open with this group key (another group, or altered)',
      { cause },
    );
  }
}

function unsealWith(contentKey: Uint8Array, secret: Uint8Array): Unseal {
  return function* (path, field) {
    const ciphertext = fromBase64(field.ciphertext, `${path}.ciphertext`);
    let plaintext: Uint8Array;
    try {
      plaintext = yield* call((c) => c.aeadDecrypt(contentKey, ciphertext, fieldContext(path)));
    } catch (cause) {
      if (cause instanceof ProtocolError) throw cause;
      throw new ProtocolError(
        ErrorCode.DecryptFailed,
        `${path}.ciphertext`,
        'ciphertext fails authentication',
        { cause },
      );
    }
    if (!hashesEqual(yield* hmacHexSteps(secret, plaintext), field.sha512hash)) {
      throw new ProtocolError(
        ErrorCode.HmacMismatch,
        `${path}.sha512hash`,
        'HMAC does not match the decrypted content',
      );
    }
    return plaintext;
  };
}

function* messageSteps(tx: TxFile, unseal: Unseal): Steps<OpenedTxFile['message']> {
  const header = tx.message.header && (yield* unseal('transaction.message.header', tx.message.header));
  const data = yield* unseal('transaction.message.data', tx.message.data);
  const attachments: Uint8Array[] = [];
  for (const [i, a] of (tx.message.attachment ?? []).entries()) {
    attachments.push(yield* unseal(`transaction.message.attachment[${i}]`, a));
  }
  return {
    ...(header ? { header } : {}),
    data,
    ...(tx.message.regarding ? { regarding: tx.message.regarding } : {}),
    ...(tx.message.forwarded ? { forwarded: tx.message.forwarded } : {}),
    attachments,
  };
}

function* votingSteps(voting: NonNullable<TxFile['voting']>, unseal: Unseal): Steps<OpenedTxFile['voting']> {
  const options: NonNullable<OpenedTxFile['voting']>['options'] = [];
  for (const [i, option] of voting.option.entries()) {
    options.push({
      hash: option.title.sha512hash,
      title: yield* unseal(`transaction.voting.option[${i}].title`, option.title),
      ...(option.description
        ? { description: yield* unseal(`transaction.voting.option[${i}].description`, option.description) }
        : {}),
    });
  }
  return {
    secret: yield* unseal('transaction.voting.secret', voting.secret),
    lastblock: voting.lastblock,
    options,
  };
}

function* sendersSteps(tx: TxFile, unseal: Unseal): Steps<PublicIdentity[]> {
  const senders: PublicIdentity[] = [];
  for (const [i, sender] of tx.sender.entries()) {
    const bytes = yield* unseal(`transaction.sender[${i}]`, sender);
    senders.push(parsePublicKeyBytes(tx.suite, bytes, `transaction.sender[${i}]`));
  }
  return senders;
}

function* voteSteps(
  tx: TxFile,
  vote: NonNullable<TxFile['vote']>,
  voter: PublicIdentity,
  secret: Uint8Array,
): Steps<void> {
  if (!hashesEqual(yield* hmacHexSteps(secret, publicKeyBytes(voter)), vote.voter)) {
    throw new ProtocolError(
      ErrorCode.HmacMismatch,
      'transaction.vote.voter',
      'voter hash is not the first sender',
    );
  }
  // Over this voting and this voter too: a signature copied from another vote fails here.
  yield* verifyVoteSteps(voter, vote, 'transaction.vote.signature');
}

function* clientSteps(
  tx: TxFile,
  clientKey: PublicIdentity,
  secret: Uint8Array,
  signed: Uint8Array,
): Steps<void> {
  if ((yield* fingerprintSteps(clientKey)) !== tx.client.id) {
    throw new ProtocolError(ErrorCode.BadKey, 'transaction.client.id', 'resolved client key has another id');
  }
  if (!hashesEqual(yield* hmacHexSteps(secret, publicKeyBytes(clientKey)), tx.client.sha512hash)) {
    throw new ProtocolError(
      ErrorCode.HmacMismatch,
      'transaction.client.sha512hash',
      'client hash does not match the client key',
    );
  }
  yield* checkSignatureSteps(
    tx.suite,
    clientKey.signing,
    signed,
    tx.client.signature,
    'transaction.client.signature',
  );
}

export function* openTxFileSteps(tx: TxFile, options: OpenTxFileOptions): Steps<OpenedTxFile> {
  const { group } = options;
  const unseal = unsealWith(yield* contentKeySteps(tx, group), group.secret);
  const recipient = yield* unseal('transaction.recipient', tx.recipient);
  if (!bytesEqual(recipient, groupPublicKeyBytes(group.suite, group.publicKey))) {
    throw new ProtocolError(ErrorCode.NotAMember, 'transaction.recipient', 'the file names another group');
  }
  const message = yield* messageSteps(tx, unseal);
  const voting = tx.voting && (yield* votingSteps(tx.voting, unseal));
  const senders = yield* sendersSteps(tx, unseal);
  if (!hashesEqual(yield* afterStateSteps(tx, group.secret), tx.state.after)) {
    throw new ProtocolError(
      ErrorCode.StateMismatch,
      'transaction.state.after',
      'after-state does not match the file content and before-state',
    );
  }
  // v0.2: the public digest (which includes the after-state just checked); LEGACY v0.1: the after-state.
  const signed = yield* messageSignedBySteps(tx);
  for (const [i, sender] of senders.entries()) {
    const field = `transaction.sender[${i}].signature`;
    yield* checkSignatureSteps(tx.suite, sender.signing, signed, tx.sender[i]!.signature, field);
  }
  if (tx.vote) yield* voteSteps(tx, tx.vote, senders[0]!, group.secret);
  const clientKey = options.clientKey?.(tx.client.id);
  if (clientKey) yield* clientSteps(tx, clientKey, group.secret, signed);
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
