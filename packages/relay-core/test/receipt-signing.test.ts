import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import type { RelayReceipt } from '@anchorpost/events';
import { receiptSigningBytes, signReceipt, verifyReceipt } from '../src/receipt-signing.ts';
import { generateRelayKey, loadRelayKey } from '../src/relay-key.ts';

const fields = {
  version: 1 as const,
  cid: 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy',
  recipientHash: 'ab'.repeat(64),
  acceptedAt: '2026-11-22T04:50:00.123Z',
  sequence: 42,
};
const unsigned = { ...fields, relayKeyId: 'cd'.repeat(32) };

describe('receipt signing', () => {
  it('lays out the signing bytes as documented', () => {
    const bytes = receiptSigningBytes(unsigned);
    const text = Buffer.from(bytes);
    let at = 0;
    const expectText = (value: string): void => {
      assert.equal(text.subarray(at, at + value.length).toString('utf8'), value);
      at += value.length;
    };
    expectText('anchorpost/v1/relay-receipt\0');
    for (const field of [
      '1',
      unsigned.cid,
      unsigned.recipientHash,
      unsigned.acceptedAt,
      '42',
      unsigned.relayKeyId,
    ]) {
      assert.equal(text.readUInt32BE(at), field.length);
      at += 4;
      expectText(field);
    }
    assert.equal(at, bytes.length);
  });

  it('signs with the relay key and verifies with its raw, PEM or KeyObject public key', () => {
    const generated = generateRelayKey();
    const fromDer = loadRelayKey(generated.pkcs8Der);
    const fromPem = loadRelayKey(generated.pkcs8Pem);
    assert.equal(fromDer.keyId, fromPem.keyId);
    assert.equal(fromDer.keyId, createHash('sha256').update(generated.publicKeyRaw).digest('hex'));
    const receipt = signReceipt(fields, fromDer);
    assert.equal(receipt.relayKeyId, fromDer.keyId);
    assert.equal(Buffer.from(receipt.signature, 'base64').length, 64);
    assert.equal(verifyReceipt(receipt, generated.publicKeyRaw), true);
    assert.equal(verifyReceipt(receipt, fromPem.publicKey), true);
    assert.equal(
      verifyReceipt(receipt, fromPem.publicKey.export({ format: 'pem', type: 'spki' }).toString()),
      true,
    );
  });

  it('rejects tampering, another key, and malformed input without throwing', () => {
    const key = loadRelayKey(generateRelayKey().pkcs8Der);
    const receipt = signReceipt(fields, key);
    const tampered: RelayReceipt[] = [
      { ...receipt, sequence: 43 },
      { ...receipt, version: 2 as 1 },
      { ...receipt, relayKeyId: 'ef'.repeat(32) },
      { ...receipt, signature: 'not base64!' },
      { ...receipt, signature: '' },
    ];
    for (const receiptUnderTest of tampered)
      assert.equal(verifyReceipt(receiptUnderTest, key.publicKey), false);
    assert.equal(verifyReceipt(receipt, loadRelayKey(generateRelayKey().pkcs8Der).publicKey), false);
    assert.equal(verifyReceipt(receipt, new Uint8Array(31)), false);
    assert.equal(verifyReceipt(receipt, 'not a pem'), false);
  });

  it('refuses keys that are not Ed25519 PKCS#8 (BAD_CONFIG)', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
      format: 'pem',
      type: 'pkcs8',
    });
    assert.throws(() => loadRelayKey(ec.toString()), { code: 'BAD_CONFIG', message: /Ed25519/ });
    assert.throws(() => loadRelayKey(new Uint8Array([1, 2, 3])), { code: 'BAD_CONFIG', message: /relayKey/ });
  });
});
