/**
 * test-vectors/tx-file-signing-v2.json: every value is re-derived here from the file text with
 * node:crypto alone (blanking signature lines by text, hashing, verifying with the published
 * keys), then checked against the protocol code, so a drift in either shows.
 */
import assert from 'node:assert/strict';
import {
  constants,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  sign,
  verify,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { cidForBytes } from '../src/cid/index.ts';
import { parseCanonicalTxFile } from '../src/tx-file/parse.ts';
import { canonicalDigestBytes, canonicalSigningBytes } from '../src/tx-file/serialize.ts';
import { txFileDigest, txFileSigningMessage, verifyClientSignature } from '../src/tx-file/signature.ts';
import { computeAfterState } from '../src/tx-file/state.ts';
import {
  TX_FILE_SIGNING_VECTORS_PATH,
  txFileSigningVectorsJson,
} from '../scripts/tx-file-signing-vectors.ts';

interface Party {
  encryption: string;
  signing: string;
  signingPrivate: string;
  id: string;
}

interface Vectors {
  name: string;
  version: number;
  description: string;
  cases: Array<{
    suite: 'modern' | 'rsa-4096';
    groupSecret: string;
    client: Party;
    sender: Party;
    file: string;
    cid: string;
    stateBytes: string;
    after: string;
    digestBytes: string;
    digest: string;
    signedMessage: string;
    clientSignature: string;
    senderSignature: string;
    refused: Array<{ name: string; file: string; code: string; field: string }>;
  }>;
}

const text = readFileSync(TX_FILE_SIGNING_VECTORS_PATH, 'utf8');
const vectors = JSON.parse(text) as Vectors;
const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');
const b64 = (s: string): Buffer => Buffer.from(s, 'base64');

/**
 * The `signature:` lines of the client (the first one at 4 spaces: `client` precedes `vote`, and
 * these files have no vote) and of each sender list item, blanked by text; block ids keep theirs.
 */
function blankSignatures(yaml: string): string {
  return yaml
    .replace(/^( {4}signature: ).*$/m, "$1''")
    .replace(/^( {4}- ciphertext: .*\n {6}sha512hash: .*\n {6}signature: ).*$/gm, "$1''");
}

function publicKeyBytes(suite: string, party: Party): Buffer {
  const u32 = (n: number): Buffer => {
    const out = Buffer.alloc(4);
    out.writeUInt32BE(n);
    return out;
  };
  const encryption = b64(party.encryption);
  const signing = b64(party.signing);
  return Buffer.concat([
    utf8(`anchorpost/v1/public-key\0${suite}\0`),
    u32(encryption.length),
    encryption,
    u32(signing.length),
    signing,
  ]);
}

function verifies(suite: string, publicKey: string, message: Buffer, signature: string): boolean {
  const key = createPublicKey({ key: b64(publicKey), format: 'der', type: 'spki' });
  if (suite === 'modern') return verify(null, message, key, b64(signature));
  const pss = { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
  return verify('sha256', message, pss, b64(signature));
}

void describe('tx-file-signing-v2.json test vectors', () => {
  void it('has the header and is what scripts/tx-file-signing-vectors.ts generates', async () => {
    assert.equal(vectors.name, 'tx-file-signing');
    assert.equal(vectors.version, 2);
    assert.deepEqual(
      vectors.cases.map((c) => c.suite),
      ['modern', 'rsa-4096'],
    );
    assert.equal(
      text,
      await txFileSigningVectorsJson(),
      'regenerate with: node scripts/tx-file-signing-vectors.ts',
    );
  });

  for (const v of vectors.cases) {
    void it(`${v.suite}: re-derives the digest and the signed message, and both signatures verify`, async () => {
      const secret = Buffer.from(v.groupSecret, 'hex');
      // Independently, from the file text.
      const digestBytes = blankSignatures(v.file);
      assert.equal(digestBytes, v.digestBytes);
      assert.match(digestBytes, new RegExp(`after: '${v.after}'`), 'state.after is kept');
      const stateBytes = digestBytes.replace(`after: '${v.after}'`, "after: ''");
      assert.equal(stateBytes, v.stateBytes);
      const before = /^ {4}before: '([0-9a-f]{128})'$/m.exec(v.file)![1]!;
      const after = createHmac('sha512', secret)
        .update(utf8('anchorpost/v1/state'))
        .update(Buffer.from(before, 'hex'))
        .update(createHash('sha512').update(utf8(stateBytes)).digest())
        .digest('hex');
      assert.equal(after, v.after);
      const digest = createHash('sha512').update(utf8(digestBytes)).digest();
      assert.equal(digest.toString('hex'), v.digest);
      const message = Buffer.concat([utf8('anchorpost/v2/tx-file'), digest]);
      assert.equal(message.length, 85);
      assert.equal(message.toString('hex'), v.signedMessage);
      assert.ok(v.file.includes(`    signature: '${v.clientSignature}'\n`));
      assert.ok(v.file.includes(`      signature: '${v.senderSignature}'\n`));
      assert.ok(verifies(v.suite, v.client.signing, message, v.clientSignature), 'client signature');
      assert.ok(verifies(v.suite, v.sender.signing, message, v.senderSignature), 'sender signature');
      assert.ok(!verifies(v.suite, v.sender.signing, message, v.clientSignature), 'bound to its key');
      const clientKeyBytes = publicKeyBytes(v.suite, v.client);
      assert.equal(createHash('sha256').update(clientKeyBytes).digest('hex'), v.client.id);
      assert.ok(v.file.includes(`id: '${v.client.id}'`));
      const clientHash = createHmac('sha512', secret).update(clientKeyBytes).digest('hex');
      assert.ok(v.file.includes(`sha512hash: '${clientHash}'`));
      if (v.suite === 'modern') {
        // Ed25519 is deterministic: the published private key signs to the same bytes.
        const privateKey = createPrivateKey({
          key: b64(v.client.signingPrivate),
          format: 'der',
          type: 'pkcs8',
        });
        assert.equal(sign(null, message, privateKey).toString('base64'), v.clientSignature);
      }

      // And the protocol code agrees.
      const bytes = new Uint8Array(utf8(v.file));
      const tx = parseCanonicalTxFile(bytes);
      assert.equal(tx.version, '0.2');
      assert.equal(new TextDecoder().decode(canonicalDigestBytes(tx)), v.digestBytes);
      assert.equal(new TextDecoder().decode(canonicalSigningBytes(tx)), v.stateBytes);
      assert.equal(computeAfterState(tx, new Uint8Array(secret)), v.after);
      assert.equal(Buffer.from(txFileDigest(tx)).toString('hex'), v.digest);
      assert.equal(Buffer.from(txFileSigningMessage(tx)).toString('hex'), v.signedMessage);
      const clientKey = {
        suite: v.suite,
        encryption: b64(v.client.encryption),
        signing: b64(v.client.signing),
      };
      verifyClientSignature(tx, {
        suite: clientKey.suite,
        encryption: new Uint8Array(clientKey.encryption),
        signing: new Uint8Array(clientKey.signing),
      });
      assert.equal(await cidForBytes(bytes), v.cid);
    });

    void it(`${v.suite}: refuses each harvested-signature forgery`, () => {
      const clientKey = {
        suite: v.suite,
        encryption: new Uint8Array(b64(v.client.encryption)),
        signing: new Uint8Array(b64(v.client.signing)),
      };
      assert.ok(v.refused.length >= 4);
      for (const refused of v.refused) {
        assert.ok(
          refused.file.includes(`    signature: '${v.clientSignature}'\n`),
          `${refused.name}: signature kept`,
        );
        const message = Buffer.concat([
          utf8('anchorpost/v2/tx-file'),
          createHash('sha512')
            .update(utf8(blankSignatures(refused.file)))
            .digest(),
        ]);
        assert.ok(!verifies(v.suite, v.client.signing, message, v.clientSignature), refused.name);
        assert.throws(
          () => {
            verifyClientSignature(parseCanonicalTxFile(new Uint8Array(utf8(refused.file))), clientKey);
          },
          { code: refused.code, field: refused.field },
          refused.name,
        );
      }
    });
  }
});
