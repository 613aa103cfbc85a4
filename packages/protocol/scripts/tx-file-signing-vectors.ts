/**
 * Generates test-vectors/tx-file-signing-v2.json (run `node scripts/tx-file-signing-vectors.ts`
 * in packages/protocol): one signed v0.2 transaction-file per crypto suite, with every
 * intermediate value of the signing construction (ADR 0017), so another implementation can check
 * itself step by step.
 *
 * The file is made by hand, not by buildTxFile, so the output is deterministic: every HMAC is real
 * (HMAC-SHA512 under a fixed test group secret, of a labelled plaintext), but ciphertexts and the
 * sealed content key are opaque placeholders (this vector is about signing, not encryption).
 * Ed25519 is deterministic; RSA-PSS signatures use a salt fixed by a label (deterministicPss).
 * test/tx-file-signing-vectors.test.ts re-derives every value without this script.
 */
import { createHash, createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { cidForBytes } from '../src/cid/index.ts';
import { fingerprint, publicKeyBytes, type PublicIdentity } from '../src/crypto/identity.ts';
import { getSuite } from '../src/crypto/suites.ts';
import { isProtocolError } from '../src/errors.ts';
import type { SuiteName, TxFile } from '../src/tx-file/schema.ts';
import { canonicalDigestBytes, canonicalSigningBytes, serializeTxFile } from '../src/tx-file/serialize.ts';
import { txFileSigningMessage, verifyClientSignature } from '../src/tx-file/signature.ts';
import { computeAfterState } from '../src/tx-file/state.ts';
import { committedRsaKey, der, deterministicPss, seededKey, type VectorKey } from './vector-keys.ts';

const GROUP_SECRET = createHash('sha256').update('tx-file signing vectors: not a real group secret').digest();

interface VectorParty {
  /** SPKI DER, base64. */
  encryption: string;
  signing: string;
  /** PKCS#8 DER, base64: a test key, published on purpose. */
  signingPrivate: string;
  /** SHA-256 of publicKeyBytes, hex (`client.id` for the client). */
  id: string;
}

interface RefusedFile {
  name: string;
  file: string;
  code: string;
  field: string;
}

interface SigningCase {
  suite: SuiteName;
  signatureMethod: string;
  groupSecret: string;
  client: VectorParty;
  sender: VectorParty;
  /** The signed file: canonical YAML, UTF-8. */
  file: string;
  cid: string;
  /** canonicalSigningBytes: every signature and state.after blank; what state.after hashes. */
  stateBytes: string;
  after: string;
  /** canonicalDigestBytes: every signature blank, state.after kept. */
  digestBytes: string;
  digest: string;
  /** "anchorpost/v2/tx-file" ‖ digest, hex: what the client and the sender sign. */
  signedMessage: string;
  clientSignature: string;
  senderSignature: string;
  /** Harvested-signature forgeries: the client signature kept, other bytes changed. */
  refused: RefusedFile[];
}

const hmac = (label: string | Uint8Array): string =>
  createHmac('sha512', GROUP_SECRET).update(label).digest('hex');
/** Canonical base64 of placeholder bytes derived from a label. */
const placeholder = (label: string, bytes = 48): string =>
  createHash('sha512').update(`placeholder:${label}`).digest().subarray(0, bytes).toString('base64');
const sealed = (label: string) => ({
  ciphertext: placeholder(`${label}:ciphertext`),
  sha512hash: hmac(label),
});
const blockId = (label: string): string => createHash('sha256').update(`block:${label}`).digest('hex');

function party(suite: SuiteName, who: 'client' | 'sender'): { identity: PublicIdentity; signing: VectorKey } {
  const signing =
    suite === 'modern'
      ? seededKey('ed25519', `tx-file signing vectors: ${who} ed25519`)
      : committedRsaKey(`tx-file-vectors-rsa-4096-${who}`);
  const encryption =
    suite === 'modern' ? seededKey('x25519', `tx-file signing vectors: ${who} x25519`) : signing;
  const identity: PublicIdentity = {
    suite,
    encryption: new Uint8Array(der(encryption, 'spki')),
    signing: new Uint8Array(der(signing, 'spki')),
  };
  return { identity, signing };
}

function describeParty({ identity, signing }: ReturnType<typeof party>): VectorParty {
  return {
    encryption: Buffer.from(identity.encryption).toString('base64'),
    signing: Buffer.from(identity.signing).toString('base64'),
    signingPrivate: der(signing, 'pkcs8').toString('base64'),
    id: fingerprint(identity),
  };
}

function signingCase(suite: SuiteName): SigningCase {
  const client = party(suite, 'client');
  const sender = party(suite, 'sender');
  const sign = (key: VectorKey, message: Uint8Array, label: string): string =>
    Buffer.from(
      suite === 'modern'
        ? getSuite(suite).sign(new Uint8Array(der(key, 'pkcs8')), message)
        : deterministicPss(key, message, label),
    ).toString('base64');
  const tx: TxFile = {
    version: '0.2',
    suite,
    key: placeholder('key', 64),
    client: {
      id: fingerprint(client.identity),
      sha512hash: hmac(publicKeyBytes(client.identity)),
      signature: '',
    },
    recipient: sealed('recipient'),
    message: { header: sealed('header'), data: sealed('data') },
    blockchain: {
      lastblock: { height: 1_204_331, signature: blockId('1204331') },
      trustedblock: { height: 1_204_321, signature: blockId('1204321') },
    },
    state: { before: hmac('the previous file'), after: '' },
    sender: [
      {
        ciphertext: placeholder('sender:ciphertext'),
        sha512hash: hmac(publicKeyBytes(sender.identity)),
        signature: '',
      },
    ],
  };
  tx.state.after = computeAfterState(tx, GROUP_SECRET);
  const message = txFileSigningMessage(tx);
  tx.client.signature = sign(client.signing, message, `${suite}:client`);
  tx.sender[0]!.signature = sign(sender.signing, message, `${suite}:sender`);
  const file = serializeTxFile(tx);
  verifyClientSignature(tx, client.identity); // the generator refuses to write a vector that fails
  const digestBytes = canonicalDigestBytes(tx);
  return {
    suite,
    signatureMethod:
      suite === 'modern'
        ? 'Ed25519 (deterministic); private keys = PKCS#8 of seed SHA-256("tx-file signing vectors: <client|sender> ed25519"), X25519 likewise with "x25519"'
        : 'RSA-PSS-SHA256, MGF1-SHA256, 32-byte salt = SHA-256("salt:rsa-4096:<client|sender>"): any valid salt verifies; one RSA key per party serves as both its encryption and signing key',
    groupSecret: GROUP_SECRET.toString('hex'),
    client: describeParty(client),
    sender: describeParty(sender),
    file: new TextDecoder().decode(file),
    cid: '',
    stateBytes: new TextDecoder().decode(canonicalSigningBytes(tx)),
    after: tx.state.after,
    digestBytes: new TextDecoder().decode(digestBytes),
    digest: createHash('sha512').update(digestBytes).digest('hex'),
    signedMessage: Buffer.from(message).toString('hex'),
    clientSignature: tx.client.signature,
    senderSignature: tx.sender[0]!.signature,
    refused: refusedFiles(tx, client.identity),
  };
}

function refusedFiles(tx: TxFile, clientKey: PublicIdentity): RefusedFile[] {
  const forgeries: [string, TxFile][] = [
    ['message.data replaced', { ...tx, message: { ...tx.message, data: sealed('other data') } }],
    [
      'lastblock height changed',
      {
        ...tx,
        blockchain: { ...tx.blockchain, lastblock: { ...tx.blockchain.lastblock, height: 1_204_332 } },
      },
    ],
    ['another recipient', { ...tx, recipient: sealed('another group') }],
    ['state.after changed', { ...tx, state: { ...tx.state, after: hmac('another chain position') } }],
  ];
  return forgeries.map(([name, forged]) => {
    try {
      verifyClientSignature(forged, clientKey);
    } catch (error) {
      if (isProtocolError(error))
        return {
          name,
          file: new TextDecoder().decode(serializeTxFile(forged)),
          code: error.code,
          field: error.field,
        };
      throw error;
    }
    throw new Error(`forgery "${name}" was accepted`);
  });
}

export interface TxFileSigningVectors {
  name: 'tx-file-signing';
  version: 2;
  description: string;
  cases: SigningCase[];
}

export async function buildTxFileSigningVectors(): Promise<TxFileSigningVectors> {
  const cases = (['modern', 'rsa-4096'] as const).map(signingCase);
  for (const c of cases) c.cid = await cidForBytes(new TextEncoder().encode(c.file));
  return {
    name: 'tx-file-signing',
    version: 2,
    description:
      'Transaction-file v0.2 signatures (ADR 0017). For each case: `file` is the signed canonical YAML. ' +
      '`stateBytes` = `file` with state.after, client.signature and every sender[i].signature written as ' +
      '\'\' (canonicalSigningBytes); after = HMAC-SHA512(groupSecret, "anchorpost/v1/state" || before (64 raw ' +
      'bytes) || SHA-512(stateBytes)). `digestBytes` = `file` with client.signature and every sender[i].signature ' +
      "written as '' and state.after kept (canonicalDigestBytes); digest = SHA-512(digestBytes); signedMessage = " +
      '"anchorpost/v2/tx-file" (21 ASCII bytes) || digest (64 bytes). clientSignature and senderSignature verify ' +
      'over signedMessage with client.signing and sender.signing (SPKI DER). client.id = SHA-256(publicKeyBytes), ' +
      'client.sha512hash and sender[0].sha512hash = HMAC-SHA512(groupSecret, publicKeyBytes), publicKeyBytes = ' +
      '"anchorpost/v1/public-key\\0<suite>\\0" || u32be(len) || encryption SPKI || u32be(len) || signing SPKI. ' +
      'Other hashes are HMACs of labels and ciphertexts are placeholders: the file cannot be opened, only checked. ' +
      '`cid` is the CIDv1 of `file` (see cid-v1.json). Each refused[] file keeps the client signature on changed ' +
      'bytes and must be refused with `code` at `field`.',
    cases,
  };
}

export const TX_FILE_SIGNING_VECTORS_PATH = new URL(
  '../test-vectors/tx-file-signing-v2.json',
  import.meta.url,
);

export async function txFileSigningVectorsJson(): Promise<string> {
  return `${JSON.stringify(await buildTxFileSigningVectors(), null, 2)}\n`;
}

if (import.meta.main) {
  writeFileSync(TX_FILE_SIGNING_VECTORS_PATH, await txFileSigningVectorsJson());
  console.log(`wrote ${TX_FILE_SIGNING_VECTORS_PATH.pathname}`);
}
