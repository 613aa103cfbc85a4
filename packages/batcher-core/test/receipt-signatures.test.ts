/**
 * The receipts' signature checks give the same verdicts on worker threads as on the seal's own
 * thread, spread over the threads asked for, and a malformed key or signature is a `false`.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { it } from 'node:test';
import { rawEd25519PublicKey } from '@anchorpost/relay-core/receipts';
import { ReceiptSignatureChecks } from '../src/receipt-signatures.ts';
import type { ReceiptSignature } from '../src/receipt-signatures.ts';

function signedChecks(count: number): { checks: ReceiptSignature[]; expected: boolean[] } {
  const keys = [generateKeyPairSync('ed25519'), generateKeyPairSync('ed25519')];
  const checks: ReceiptSignature[] = [];
  const expected: boolean[] = [];
  for (let i = 0; i < count; i += 1) {
    const { privateKey, publicKey } = keys[i % 2]!;
    const message = randomBytes(100 + i);
    let signature = new Uint8Array(sign(null, message, privateKey));
    let raw = rawEd25519PublicKey(publicKey);
    const kind = i % 5;
    if (kind === 1) signature[i % 64]! ^= 1; // a changed signature
    if (kind === 2) raw = rawEd25519PublicKey(keys[(i + 1) % 2]!.publicKey); // the other relay's key
    if (kind === 3) signature = signature.subarray(0, 63); // malformed
    if (kind === 4 && i % 10 === 4) raw = new Uint8Array(31); // not a key at all
    checks.push({ message, signature, publicKey: raw });
    expected.push(kind === 0 || (kind === 4 && i % 10 !== 4));
  }
  return { checks, expected };
}

it('gives the same verdicts inline and on threads, spread over every thread', async () => {
  const { checks, expected } = signedChecks(200);
  const inline = new ReceiptSignatureChecks(0);
  const threaded = new ReceiptSignatureChecks(2);
  try {
    assert.deepEqual(await inline.verify(checks), expected);
    assert.equal(inline.runningThreads, 0);
    assert.deepEqual(await threaded.verify(checks), expected);
    assert.equal(threaded.runningThreads, 2, 'both threads took jobs');
    assert.deepEqual(await threaded.verify([]), []);
  } finally {
    await threaded.close();
  }
  assert.equal(threaded.runningThreads, 0, 'closed');
  // Closed threads start again for the next seal.
  assert.deepEqual(await threaded.verify(checks.slice(0, 10)), expected.slice(0, 10));
  await threaded.close();
});
