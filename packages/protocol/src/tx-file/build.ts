/**
 * Building a transaction-file on the client: encrypt every field under a fresh content key sealed
 * to the group, HMAC every plaintext with the group secret, chain the state, then sign the file's
 * public digest (which includes the after-state; signature.ts).
 */
import { randomBytes } from 'node:crypto';
import { toBase64 } from '../bytes.ts';
import { aeadEncrypt, AEAD_KEY_BYTES } from '../crypto/aead.ts';
import { groupPublicKeyBytes, type GroupKeys } from '../crypto/group.ts';
import { fingerprint, publicKeyBytes, type PrivateIdentity } from '../crypto/identity.ts';
import { getSuite } from '../crypto/suites.ts';
import { ErrorCode, ProtocolError } from '../errors.ts';
import { CONTENT_KEY_CONTEXT, fieldContext } from './contexts.ts';
import type { BlockRef, MessageReference, SealedField, TxFile, TxVoting } from './schema.ts';
import { TX_FILE_VERSION } from './schema.ts';
import { signVote } from '../voting/vote-signature.ts';
import { signTxFile } from './signature.ts';
import { computeAfterState, GENESIS_STATE, hmacHex } from './state.ts';

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

export function buildTxFile(input: BuildTxFileInput): TxFile {
  const { group } = input;
  const suite = getSuite(group.suite);
  if (input.senders.length === 0)
    throw new ProtocolError(ErrorCode.MissingField, 'transaction.sender', 'at least one sender');
  for (const [i, party] of [input.client, ...input.senders].entries()) {
    if (party.public.suite !== group.suite) {
      const where = i === 0 ? 'transaction.client' : `transaction.sender[${i - 1}]`;
      throw new ProtocolError(
        ErrorCode.BadKey,
        where,
        `key is ${party.public.suite}, group is ${group.suite}`,
      );
    }
  }
  const contentKey = new Uint8Array(randomBytes(AEAD_KEY_BYTES));
  const seal = (path: string, plaintext: Uint8Array): SealedField => ({
    ciphertext: toBase64(aeadEncrypt(contentKey, plaintext, fieldContext(path))),
    sha512hash: hmacHex(group.secret, plaintext),
  });

  const message: TxFile['message'] = {
    ...(input.message.header ? { header: seal('transaction.message.header', input.message.header) } : {}),
    data: seal('transaction.message.data', input.message.data),
    ...(input.message.regarding ? { regarding: input.message.regarding } : {}),
    ...(input.message.forwarded ? { forwarded: input.message.forwarded } : {}),
  };
  if (input.message.attachments?.length) {
    message.attachment = input.message.attachments.map((bytes, i) =>
      seal(`transaction.message.attachment[${i}]`, bytes),
    );
  }

  let voting: TxVoting | undefined;
  if (input.voting) {
    voting = {
      secret: seal('transaction.voting.secret', input.voting.secret),
      lastblock: input.voting.lastblock,
      option: input.voting.options.map((option, i) => ({
        title: seal(`transaction.voting.option[${i}].title`, option.title),
        ...(option.description
          ? { description: seal(`transaction.voting.option[${i}].description`, option.description) }
          : {}),
      })),
    };
  }

  const voter = input.senders[0]!;
  const optionHash = input.vote ? hmacHex(group.secret, input.vote.optionTitle) : '';
  const voterHash = hmacHex(group.secret, publicKeyBytes(voter.public));
  const tx: TxFile = {
    version: TX_FILE_VERSION,
    suite: group.suite,
    key: toBase64(suite.seal(group.publicKey, contentKey, CONTENT_KEY_CONTEXT)),
    client: {
      id: fingerprint(input.client.public),
      sha512hash: hmacHex(group.secret, publicKeyBytes(input.client.public)),
      signature: '',
    },
    recipient: seal('transaction.recipient', groupPublicKeyBytes(group.suite, group.publicKey)),
    message,
    ...(voting ? { voting } : {}),
    ...(input.vote
      ? {
          vote: {
            voting: input.vote.voting,
            option: optionHash,
            voter: voterHash,
            signature: signVote(voter, { voting: input.vote.voting, voter: voterHash, option: optionHash }),
          },
        }
      : {}),
    blockchain: input.blockchain,
    state: { before: input.before ?? GENESIS_STATE, after: '' },
    sender: input.senders.map((sender, i) => ({
      ...seal(`transaction.sender[${i}]`, publicKeyBytes(sender.public)),
      signature: '',
    })),
  };

  // The after-state first: the digest every signature covers includes it.
  tx.state.after = computeAfterState(tx, group.secret);
  signTxFile(tx, input.client, input.senders);
  return tx;
}
