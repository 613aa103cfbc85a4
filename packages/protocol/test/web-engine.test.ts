/**
 * The engine on WebCrypto (`@anchorpost/protocol/web`, what browsers run) against the same engine
 * on node:crypto: identities, groups and tx-files made by either open with the other, byte for
 * byte, and every tampering either refuses, the other refuses with the same code and field.
 * (Node has WebCrypto's X25519 and Ed25519 too; the SDK's browser test runs the web side in Chromium.)
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { createGroup, openGroup, type GroupBundle, type GroupKeys } from '../src/crypto/group.ts';
import {
  fingerprint,
  generateIdentity,
  parsePrivateKeyFile,
  parsePublicKeyFile,
  toPrivateKeyFile,
  toPublicKeyFile,
  type PrivateIdentity,
} from '../src/crypto/identity.ts';
import { buildTxFile, type BuildTxFileInput } from '../src/tx-file/build.ts';
import { openTxFile } from '../src/tx-file/open.ts';
import { parseTxFile } from '../src/tx-file/parse.ts';
import type { SuiteName, TxFile } from '../src/tx-file/schema.ts';
import { serializeTxFile } from '../src/tx-file/serialize.ts';
import { verifyClientSignature } from '../src/tx-file/signature.ts';
import { hmacHex } from '../src/tx-file/state.ts';
import {
  buildTxFileWeb,
  createGroupWeb,
  fingerprintWeb,
  generateIdentityWeb,
  hmacHexWeb,
  openGroupWeb,
  openTxFileWeb,
  parsePrivateKeyFileWeb,
  parsePublicKeyFileWeb,
  toPrivateKeyFileWeb,
  toPublicKeyFileWeb,
} from '../src/web.ts';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const block = (height: number, fill: string) => ({ height, signature: fill.repeat(64) });

function input(group: GroupKeys, sender: PrivateIdentity, client: PrivateIdentity): BuildTxFileInput {
  return {
    group,
    senders: [sender],
    client,
    blockchain: { lastblock: block(1_204_331, 'a'), trustedblock: block(1_204_321, 'b') },
    message: {
      header: text('Dinner'),
      data: text('Friday at eight? 🍝'),
      attachments: [text('menu.pdf bytes'), new Uint8Array([0, 1, 2, 255])],
      regarding: { headerhash: 'c'.repeat(128), datahash: 'd'.repeat(128) },
    },
    voting: {
      secret: text('s3cret'),
      lastblock: 1_204_400,
      options: [{ title: text('yes') }, { title: text('no') }],
    },
  };
}

/** The result of opening, or the error's code and field. */
async function outcome(open: () => unknown): Promise<unknown> {
  try {
    const opened = (await open()) as { message: { data: Uint8Array } };
    return { data: new TextDecoder().decode(opened.message.data) };
  } catch (error) {
    const { code, field } = error as { code?: string; field?: string };
    return { code, field };
  }
}

const suites: Array<{ suite: SuiteName; timeout: number }> = [
  { suite: 'modern', timeout: 60_000 },
  // Eleven RSA-4096 key pairs are generated below, a second or more each under load.
  { suite: 'rsa-4096', timeout: 300_000 },
];

for (const { suite, timeout } of suites) {
  describe(`the protocol engine on WebCrypto, against node:crypto: ${suite}`, { timeout }, () => {
    let nodeMember: PrivateIdentity;
    let webMember: PrivateIdentity;
    let webClient: PrivateIdentity;
    let group: GroupKeys;
    let bundle: GroupBundle;

    before(async () => {
      [nodeMember, webMember, webClient] = await Promise.all([
        generateIdentity(suite),
        generateIdentityWeb(suite),
        generateIdentityWeb(suite),
      ]);
      ({ keys: group, bundle } = await createGroupWeb(suite, [nodeMember.public, webMember.public]));
    });

    it('makes keys node:crypto signs, seals and fingerprints with', async () => {
      assert.equal(await fingerprintWeb(webMember.public), fingerprint(webMember.public));
      assert.equal(await fingerprintWeb(nodeMember.public), fingerprint(nodeMember.public));
      assert.equal(await hmacHexWeb(group.secret, text('x')), hmacHex(group.secret, text('x')));
    });

    it('writes key files node:crypto reads, reads the ones it writes, and refuses halves that differ', async () => {
      assert.deepEqual(await toPrivateKeyFileWeb(webMember), toPrivateKeyFile(webMember));
      assert.deepEqual(await toPublicKeyFileWeb(nodeMember.public), toPublicKeyFile(nodeMember.public));
      assert.deepEqual(parsePrivateKeyFile(await toPrivateKeyFileWeb(webMember)), webMember);
      assert.deepEqual(await parsePrivateKeyFileWeb(toPrivateKeyFile(nodeMember)), nodeMember);
      assert.deepEqual(await parsePublicKeyFileWeb(toPublicKeyFile(webMember.public)), webMember.public);
      // The public half of another key under this file's id: BAD_KEY on both (id, then halves).
      const mixed = { ...toPrivateKeyFile(webMember), signing: toPrivateKeyFile(nodeMember).signing };
      assert.throws(() => parsePrivateKeyFile(mixed), { code: 'BAD_KEY', field: 'key' });
      await assert.rejects(parsePrivateKeyFileWeb(mixed), { code: 'BAD_KEY', field: 'key' });
      const renamed = { ...toPublicKeyFile(webMember.public), id: fingerprint(nodeMember.public) };
      assert.throws(() => parsePublicKeyFile(renamed), { code: 'BAD_KEY', field: 'key.id' });
      await assert.rejects(parsePublicKeyFileWeb(renamed), { code: 'BAD_KEY', field: 'key.id' });
    });

    it('opens a group bundle made by either, as every member', async () => {
      const nodeMade = await createGroup(suite, [nodeMember.public, webMember.public]);
      for (const [made, keys] of [
        [bundle, group],
        [nodeMade.bundle, nodeMade.keys],
      ] as const) {
        for (const member of [nodeMember, webMember]) {
          assert.deepEqual(openGroup(JSON.parse(JSON.stringify(made)), member), keys);
          assert.deepEqual(await openGroupWeb(JSON.parse(JSON.stringify(made)), member), keys);
        }
      }
      await assert.rejects(openGroupWeb(bundle, await generateIdentityWeb(suite)), { code: 'NOT_A_MEMBER' });
    });

    it('builds a file node:crypto opens, and opens a file node:crypto built', async () => {
      const clientKey = () => webClient.public;
      const webBuilt = serializeTxFile(await buildTxFileWeb(input(group, webMember, webClient)));
      const nodeBuilt = serializeTxFile(buildTxFile(input(group, nodeMember, webClient)));
      for (const bytes of [webBuilt, nodeBuilt]) {
        const byNode = openTxFile(parseTxFile(bytes), { group, clientKey });
        const byWeb = await openTxFileWeb(parseTxFile(bytes), { group, clientKey });
        assert.deepEqual(byWeb, byNode);
        assert.equal(byWeb.client.verified, true);
        assert.equal(new TextDecoder().decode(byWeb.message.data), 'Friday at eight? 🍝');
        verifyClientSignature(parseTxFile(bytes), webClient.public);
      }
    });

    it('refuses every tampering node:crypto refuses, with the same code and field', async () => {
      const bytes = serializeTxFile(await buildTxFileWeb(input(group, webMember, webClient)));
      const flip = (base64: string): string => {
        const raw = Buffer.from(base64, 'base64');
        raw[raw.length - 1] = raw[raw.length - 1]! ^ 1;
        return raw.toString('base64');
      };
      const tamperings: Record<string, (tx: TxFile) => void> = {
        'content key': (tx) => (tx.key = flip(tx.key)),
        // modern: the ephemeral key replaced by a low-order point; rsa-4096: the OAEP block zeroed.
        'content key from a low-order point or a zero block': (tx) => {
          const raw = Buffer.from(tx.key, 'base64');
          raw.fill(0, 0, suite === 'modern' ? 32 : 512);
          tx.key = raw.toString('base64');
        },
        'content key cut short': (tx) =>
          (tx.key = Buffer.from(tx.key, 'base64').subarray(0, 16).toString('base64')),
        ciphertext: (tx) => (tx.message.data.ciphertext = flip(tx.message.data.ciphertext)),
        hmac: (tx) => (tx.message.data.sha512hash = 'e'.repeat(128)),
        'state after': (tx) => (tx.state.after = 'f'.repeat(128)),
        'sender signature': (tx) => (tx.sender[0]!.signature = flip(tx.sender[0]!.signature)),
        'client signature': (tx) => (tx.client.signature = flip(tx.client.signature)),
        'block reference': (tx) => (tx.blockchain.lastblock.height += 1),
      };
      for (const [name, tamper] of Object.entries(tamperings)) {
        const tx = parseTxFile(bytes);
        tamper(tx);
        const options = { group, clientKey: () => webClient.public };
        const byNode = await outcome(() => openTxFile(structuredClone(tx), options));
        const byWeb = await outcome(() => openTxFileWeb(structuredClone(tx), options));
        assert.ok((byNode as { code?: string }).code, `${name}: node:crypto opened it`);
        assert.deepEqual(byWeb, byNode, name);
      }
    });

    it('refuses another group, a key of the other suite and a suite it does not know', async () => {
      const { keys: other } = await createGroupWeb(suite, [webMember.public]);
      const tx = await buildTxFileWeb(input(group, webMember, webClient));
      await assert.rejects(openTxFileWeb(tx, { group: other }), {
        code: 'NOT_A_MEMBER',
        field: 'transaction.key',
      });
      await assert.rejects(generateIdentityWeb('rsa-2048' as SuiteName), { code: 'UNKNOWN_SUITE' });
      // The other suite's client key under this file: refused alike (its id is not the file's).
      const otherSuite = suite === 'modern' ? 'rsa-4096' : 'modern';
      const stranger = (await generateIdentity(otherSuite)).public;
      const options = { group, clientKey: () => stranger };
      assert.deepEqual(
        await outcome(() => openTxFileWeb(structuredClone(tx), options)),
        await outcome(() => openTxFile(structuredClone(tx), options)),
      );
    });
  });
}
