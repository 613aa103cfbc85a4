/**
 * checkTxFileSignature, the auditor's check of who signed a dropped tx-file (WebCrypto, no group
 * secret): the client's and a sender's signatures verify with their public key files, in both
 * suites; another key, a forged signature, a key file whose id is not its keys', a key of another
 * suite and a v0.1 file are refused with their codes. The page runs the same code in Chromium.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildTxFile,
  createGroup,
  generateIdentity,
  serializeTxFile,
  toPublicKeyFile,
  type PrivateIdentity,
  type SuiteName,
} from '@anchorpost/protocol';
import { buildLegacyTxFile } from '@anchorpost/protocol/testing';
import { checkTxFileSignature } from '../src/tx-file-signature.ts';

const blockchain = {
  lastblock: { height: 1_204_331, signature: 'a'.repeat(64) },
  trustedblock: { height: 1_204_321, signature: 'b'.repeat(64) },
};

async function parties(suite: SuiteName) {
  const [client, sender, other] = (await Promise.all([1, 2, 3].map(() => generateIdentity(suite)))) as [
    PrivateIdentity,
    PrivateIdentity,
    PrivateIdentity,
  ];
  const { keys } = await createGroup(suite, [sender.public]);
  const input = {
    group: keys,
    senders: [sender],
    client,
    blockchain,
    message: { data: new Uint8Array([1]) },
  };
  return { client, sender, other, input, bytes: serializeTxFile(buildTxFile(input)) };
}

const refusedWith = (code: string) => (error: unknown) => {
  assert.equal((error as { code?: unknown }).code, code, String(error));
  return true;
};

describe('checkTxFileSignature', { timeout: 120_000 }, () => {
  for (const suite of ['modern', 'rsa-4096'] as const) {
    it(`finds the client's and the sender's signatures (${suite})`, async () => {
      const { client, sender, bytes } = await parties(suite);
      const byClient = await checkTxFileSignature(bytes, toPublicKeyFile(client.public));
      assert.deepEqual([byClient.role, byClient.index, byClient.version], ['client', 0, '0.2']);
      const bySender = await checkTxFileSignature(bytes, toPublicKeyFile(sender.public));
      assert.deepEqual([bySender.role, bySender.index], ['sender', 0]);
    });
  }

  it('refuses a key that signed nothing, a forged signature, a lying key file, another suite, a v0.1 file', async () => {
    const { client, other, input, bytes } = await parties('modern');
    await assert.rejects(
      checkTxFileSignature(bytes, toPublicKeyFile(other.public)),
      refusedWith('BAD_SIGNATURE'),
    );
    // The client's signature replaced by the other key's over the same message.
    const forged = new TextDecoder()
      .decode(bytes)
      .replace(/signature: '?([A-Za-z0-9+/=]+)'?\n/, (line, signature: string) =>
        line.replace(
          signature,
          signature.startsWith('A') ? `B${signature.slice(1)}` : `A${signature.slice(1)}`,
        ),
      );
    await assert.rejects(
      checkTxFileSignature(new TextEncoder().encode(forged), toPublicKeyFile(client.public)),
      (error: unknown) =>
        ['BAD_SIGNATURE', 'BAD_BASE64'].includes(String((error as { code?: unknown }).code)),
    );
    const lying = { ...toPublicKeyFile(client.public), id: toPublicKeyFile(other.public).id };
    await assert.rejects(checkTxFileSignature(bytes, lying), refusedWith('BAD_KEY'));
    const rsa = await generateIdentity('rsa-4096');
    await assert.rejects(checkTxFileSignature(bytes, toPublicKeyFile(rsa.public)), refusedWith('BAD_KEY'));
    const legacy = serializeTxFile(buildLegacyTxFile(input));
    await assert.rejects(
      checkTxFileSignature(legacy, toPublicKeyFile(client.public)),
      refusedWith('LEGACY_TX_FILE'),
    );
  });
});
