/**
 * Building a transaction-file on the client: encrypt every field under a fresh content key sealed
 * to the group, HMAC every plaintext with the group secret, chain the state, then sign the file's
 * public digest (which includes the after-state; signature.ts). Engine steps (./primitives.ts):
 * tx-file/build.ts runs them with node:crypto, web.ts with WebCrypto.
 */
import { toBase64 } from '../bytes.ts';
import { groupPublicKeyBytes, type GroupKeys } from './group.ts';
import type { PrivateIdentity } from '../crypto/identity.ts';
import { publicKeyBytes } from '../crypto/public-key-bytes.ts';
import { ErrorCode, ProtocolError } from '../errors.ts';
import { CONTENT_KEY_CONTEXT, fieldContext } from '../tx-file/contexts.ts';
import type { BlockRef, MessageReference, SealedField, TxFile, TxVoting } from '../tx-file/schema.ts';
import { TX_FILE_VERSION } from '../tx-file/schema.ts';
import { fingerprintSteps } from './identity.ts';
import { call, type Steps } from './primitives.ts';
import { signTxFileSteps } from './signature.ts';
import { afterStateSteps, GENESIS_STATE, hmacHexSteps } from './state.ts';
import { signVoteSteps } from './vote-signature.ts';

const AEAD_KEY_BYTES = 32;

export interface BuildTxFileInput {
  group: Pick<GroupKeys, 'suite' | 'publicKey' | 'secret'>;
  /** One or more senders; the first one is the voter when `vote` is given. */
  senders: readonly PrivateIdentity[];
  /** The client application's identity; it signs too. */
  client: PrivateIdentity;
  /** The previous `state.after` of this client in this group; GENESIS_STATE for the first file. */
  before?: string;
  blockchain: { lastblock: BlockRef; trustedblock: BlockRef };
  message: {
    header?: Uint8Array;
    data: Uint8Array;
    regarding?: MessageReference;
    forwarded?: MessageReference;
    attachments?: readonly Uint8Array[];
  };
  voting?: {
    secret: Uint8Array;
    lastblock: number;
    options: readonly { title: Uint8Array; description?: Uint8Array }[];
  };
  vote?: {
    /** The voting transaction-file's `state.after`. */
    voting: string;
    /** The plaintext title of the chosen option. */
    optionTitle: Uint8Array;
  };
}

function checkSuites(input: BuildTxFileInput): void {
  if (input.senders.length === 0)
    throw new ProtocolError(ErrorCode.MissingField, 'transaction.sender', 'at least one sender');
  for (const [i, party] of [input.client, ...input.senders].entries()) {
    if (party.public.suite !== input.group.suite) {
      const where = i === 0 ? 'transaction.client' : `transaction.sender[${i - 1}]`;
      throw new ProtocolError(
        ErrorCode.BadKey,
        where,
        `key is ${party.public.suite}, group is ${input.group.suite}`,
      );
    }
  }
}

type Seal = (path: string, plaintext: Uint8Array) => Steps<SealedField>;

function* messageSteps(input: BuildTxFileInput, seal: Seal): Steps<TxFile['message']> {
  const { header, regarding, forwarded, attachments } = input.message;
  const message: TxFile['message'] = {
    ...(header ? { header: yield* seal('transaction.message.header', header) } : {}),
    data: yield* seal('transaction.message.data', input.message.data),
    ...(regarding ? { regarding } : {}),
    ...(forwarded ? { forwarded } : {}),
  };
  if (attachments?.length) {
    message.attachment = [];
    for (const [i, bytes] of attachments.entries()) {
      message.attachment.push(yield* seal(`transaction.message.attachment[${i}]`, bytes));
    }
  }
  return message;
}

function* votingSteps(voting: NonNullable<BuildTxFileInput['voting']>, seal: Seal): Steps<TxVoting> {
  const option: TxVoting['option'] = [];
  for (const [i, { title, description }] of voting.options.entries()) {
    option.push({
      title: yield* seal(`transaction.voting.option[${i}].title`, title),
      ...(description
        ? { description: yield* seal(`transaction.voting.option[${i}].description`, description) }
        : {}),
    });
  }
  return {
    secret: yield* seal('transaction.voting.secret', voting.secret),
    lastblock: voting.lastblock,
    option,
  };
}

export function* buildTxFileSteps(input: BuildTxFileInput): Steps<TxFile> {
  checkSuites(input);
  const { group } = input;
  const contentKey = yield* call((c) => c.randomBytes(AEAD_KEY_BYTES));
  const seal: Seal = function* (path, plaintext) {
    const sealed = yield* call((c) => c.aeadEncrypt(contentKey, plaintext, fieldContext(path)));
    return { ciphertext: toBase64(sealed), sha512hash: yield* hmacHexSteps(group.secret, plaintext) };
  };
  const message = yield* messageSteps(input, seal);
  const voting = input.voting ? yield* votingSteps(input.voting, seal) : undefined;

  const voter = input.senders[0]!;
  const voterHash = yield* hmacHexSteps(group.secret, publicKeyBytes(voter.public));
  let vote: TxFile['vote'];
  if (input.vote) {
    const fields = {
      voting: input.vote.voting,
      voter: voterHash,
      option: yield* hmacHexSteps(group.secret, input.vote.optionTitle),
    };
    vote = { ...fields, signature: yield* signVoteSteps(voter, fields) };
  }
  const key = yield* call((c) => c.suite(group.suite).seal(group.publicKey, contentKey, CONTENT_KEY_CONTEXT));
  const sender: TxFile['sender'] = [];
  for (const [i, party] of input.senders.entries()) {
    sender.push({
      ...(yield* seal(`transaction.sender[${i}]`, publicKeyBytes(party.public))),
      signature: '',
    });
  }
  const tx: TxFile = {
    version: TX_FILE_VERSION,
    suite: group.suite,
    key: toBase64(key),
    client: {
      id: yield* fingerprintSteps(input.client.public),
      sha512hash: yield* hmacHexSteps(group.secret, publicKeyBytes(input.client.public)),
      signature: '',
    },
    recipient: yield* seal('transaction.recipient', groupPublicKeyBytes(group.suite, group.publicKey)),
    message,
    ...(voting ? { voting } : {}),
    ...(vote ? { vote } : {}),
    blockchain: input.blockchain,
    state: { before: input.before ?? GENESIS_STATE, after: '' },
    sender,
  };

  // The after-state first: the digest every signature covers includes it.
  tx.state.after = yield* afterStateSteps(tx, group.secret);
  yield* signTxFileSteps(tx, input.client, input.senders);
  return tx;
}
