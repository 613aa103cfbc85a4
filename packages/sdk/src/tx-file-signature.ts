/**
 * Who signed a tx-file, checked where the file is (a browser, for a file dropped on the auditor's
 * page), with WebCrypto and no group secret: given a public key file, the key must be the file's
 * client (its `client.id`) or one of its senders, and that party's signature over the file's
 * public digest (v0.2, ADR 0017) must verify with it. The protocol's parser and digest
 * (`@anchorpost/protocol/tx-file-web`), so the browser checks what a relay checks. An entry of its own
 * (`@anchorpost/sdk/tx-file-signature`): the YAML parser would weigh on the browser verify entry.
 */
import { ErrorCode, fromBase64, ProtocolError, toHex, webSha256 } from '@anchorpost/protocol/portable';
import {
  parseTxFile,
  publicKeyBytes,
  txFileSigningMessageWeb,
  type TxFile,
} from '@anchorpost/protocol/tx-file-web';

/** Whose signature verified: the client's, or the sender's at `index` (senders are not named in clear). */
export interface TxFileSigner {
  readonly role: 'client' | 'sender';
  readonly index: number;
  /** The key's fingerprint (64 hex characters). */
  readonly keyId: string;
  readonly suite: string;
  readonly version: string;
}

interface SigningKey {
  readonly id: string;
  readonly suite: 'modern' | 'rsa-4096';
  readonly signing: Uint8Array;
}

function badKey(message: string): ProtocolError {
  return new ProtocolError(ErrorCode.BadKey, 'publicKey', message);
}

/** A public key file (`public-key.json` of `anchorpost keys new`), its `id` checked against its keys. */
async function signingKeyOf(file: unknown): Promise<SigningKey> {
  const record = (typeof file === 'object' && file !== null ? file : {}) as Record<string, unknown>;
  const { type, version, suite, id, encryption, signing } = record;
  if (type !== 'anchorpost.public-key' || version !== 1) throw badKey('not an Anchorpost public key file');
  if (suite !== 'modern' && suite !== 'rsa-4096') throw badKey(`unknown suite ${String(suite)}`);
  if (typeof encryption !== 'string' || typeof signing !== 'string' || typeof id !== 'string') {
    throw badKey('a public key file has id, encryption and signing');
  }
  const key = {
    suite: suite === 'modern' ? ('modern' as const) : ('rsa-4096' as const),
    encryption: fromBase64(encryption, 'encryption'),
    signing: fromBase64(signing, 'signing'),
  };
  const fingerprint = toHex(await webSha256(publicKeyBytes(key)));
  if (fingerprint !== id) throw badKey(`the file's id is ${id}, its keys' fingerprint ${fingerprint}`);
  return { id, suite, signing: key.signing };
}

async function verifies(key: SigningKey, message: Uint8Array, signature: string): Promise<boolean> {
  // Ed25519 for `modern`, RSA-PSS (SHA-256, 32-byte salt) for `rsa-4096`, as the suites sign.
  const algorithm = key.suite === 'modern' ? { name: 'Ed25519' } : { name: 'RSA-PSS', hash: 'SHA-256' };
  const publicKey = await crypto.subtle.importKey('spki', key.signing, algorithm, false, ['verify']);
  const params = key.suite === 'modern' ? { name: 'Ed25519' } : { name: 'RSA-PSS', saltLength: 32 };
  return crypto.subtle.verify(params, publicKey, fromBase64(signature, 'signature'), message);
}

/**
 * Parses the tx-file and checks that `publicKeyFile`'s key signed it, as its client or a sender.
 * Refuses (ProtocolError) a file that does not parse, a v0.1 file (LEGACY_TX_FILE: its signatures
 * cover only the group-keyed after-state), a key file that is none or whose suite is not the
 * file's (BAD_KEY), and a key that signed nothing in the file (BAD_SIGNATURE).
 */
export async function checkTxFileSignature(bytes: Uint8Array, publicKeyFile: unknown): Promise<TxFileSigner> {
  const tx: TxFile = parseTxFile(bytes);
  if (tx.version !== '0.2') {
    throw new ProtocolError(
      ErrorCode.LegacyTxFile,
      'transaction.version',
      `a v${tx.version} file: its signatures do not cover its bytes`,
    );
  }
  const key = await signingKeyOf(publicKeyFile);
  if (key.suite !== tx.suite) throw badKey(`the key is ${key.suite}, the file ${tx.suite}`);
  const message = await txFileSigningMessageWeb(tx);
  const signer = { keyId: key.id, suite: tx.suite, version: tx.version };
  if (key.id === tx.client.id) {
    if (await verifies(key, message, tx.client.signature)) return { role: 'client', index: 0, ...signer };
    throw new ProtocolError(
      ErrorCode.BadSignature,
      'transaction.client.signature',
      'signature does not verify',
    );
  }
  for (const [index, sender] of tx.sender.entries()) {
    if (await verifies(key, message, sender.signature)) return { role: 'sender', index, ...signer };
  }
  throw new ProtocolError(
    ErrorCode.BadSignature,
    'transaction.sender',
    `neither the client nor any of the ${tx.sender.length} sender(s) signed with key ${key.id}`,
  );
}
