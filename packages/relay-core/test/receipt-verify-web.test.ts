/**
 * The WebCrypto receipt verifier (what browsers run) agrees with the node:crypto one on every
 * receipt: signed by the relay's own signer, tampered, under another key, or malformed.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import type { RelayReceipt } from '@anchorpost/events';
import { signReceipt, verifyReceipt } from '../src/receipt-signing.ts';
import { rawEd25519KeyOf, verifyReceiptWeb } from '../src/receipt-verify-web.ts';
import { generateRelayKey, loadRelayKey } from '../src/relay-key.ts';

const fields = {
  version: 1 as const,
  cid: 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy',
  recipientHash: 'ab'.repeat(64),
  acceptedAt: '2026-11-22T04:50:00.123Z',
  sequence: 42,
};

describe('receipt verification with WebCrypto', () => {
  const key = loadRelayKey(generateRelayKey().pkcs8Der);
  const pem = key.publicKey.export({ format: 'pem', type: 'spki' }).toString();
  const receipt = signReceipt(fields, key);

  it('verifies a receipt the relay signed, with its raw or PEM public key', async () => {
    assert.equal(await verifyReceiptWeb(receipt, key.publicKeyRaw), true);
    assert.equal(await verifyReceiptWeb(receipt, pem), true);
    assert.deepEqual(rawEd25519KeyOf(pem), key.publicKeyRaw);
  });

  it('answers false, as the node:crypto verifier does, for tampered receipts and wrong keys', async () => {
    const signature = Buffer.from(receipt.signature, 'base64');
    signature[0] = signature[0]! ^ 1;
    const tampered: RelayReceipt[] = [
      { ...receipt, sequence: 43 },
      { ...receipt, cid: `${receipt.cid.slice(0, -1)}a` },
      { ...receipt, acceptedAt: '2026-11-22T04:50:00.124Z' },
      { ...receipt, version: 2 as 1 },
      { ...receipt, relayKeyId: 'ef'.repeat(32) },
      { ...receipt, signature: signature.toString('base64') },
      { ...receipt, signature: 'not base64!' },
      { ...receipt, signature: '' },
    ];
    for (const candidate of tampered) {
      assert.equal(await verifyReceiptWeb(candidate, key.publicKeyRaw), false, JSON.stringify(candidate));
      assert.equal(verifyReceipt(candidate, key.publicKeyRaw), false);
    }
    const other = loadRelayKey(generateRelayKey().pkcs8Der);
    assert.equal(await verifyReceiptWeb(receipt, other.publicKeyRaw), false);
    // A receipt re-signed by another key but still naming this relay's key id.
    const forged = { ...signReceipt(fields, other), relayKeyId: key.keyId };
    assert.equal(await verifyReceiptWeb(forged, key.publicKeyRaw), false);
    assert.equal(verifyReceipt(forged, key.publicKeyRaw), false);
  });

  it('answers false for a key that is not Ed25519 raw bytes or SPKI PEM', async () => {
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .publicKey.export({ format: 'pem', type: 'spki' })
      .toString();
    for (const bad of [new Uint8Array(31), 'not a pem', p256, pem.replace('MCow', 'MCox')]) {
      assert.equal(await verifyReceiptWeb(receipt, bad), false);
    }
  });
});
