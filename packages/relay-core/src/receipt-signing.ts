/**
 * Receipt signatures with node:crypto: the relay signs, Node readers verify. The canonical bytes
 * are ./receipt-bytes.ts's, shared with the WebCrypto verifier (./receipt-verify-web.ts).
 */
import { createPublicKey, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { RelayReceipt } from '@anchorpost/events';
import { receiptSignatureBytes, receiptSigningBytes, type UnsignedReceipt } from './receipt-bytes.ts';
import { rawEd25519PublicKey, relayKeyId } from './relay-key.ts';
import type { RelayKey } from './relay-key.ts';

export { RECEIPT_DOMAIN_TAG, receiptSigningBytes, type UnsignedReceipt } from './receipt-bytes.ts';

export function signReceipt(receipt: Omit<UnsignedReceipt, 'relayKeyId'>, key: RelayKey): RelayReceipt {
  const unsigned: UnsignedReceipt = { ...receipt, relayKeyId: key.keyId };
  const signature = sign(null, receiptSigningBytes(unsigned), key.privateKey);
  return { ...unsigned, signature: signature.toString('base64') };
}

function toPublicKey(relayPublicKey: KeyObject | Uint8Array | string): KeyObject | null {
  try {
    if (typeof relayPublicKey === 'string') return createPublicKey(relayPublicKey);
    if (relayPublicKey instanceof Uint8Array) {
      if (relayPublicKey.length !== 32) return null;
      const x = Buffer.from(relayPublicKey).toString('base64url');
      return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
    }
    return relayPublicKey;
  } catch {
    return null;
  }
}

/**
 * Whether `receipt` was signed by the relay key given as a KeyObject, raw 32 bytes or SPKI PEM:
 * `relayKeyId` must name that key and the signature must verify over `receiptSigningBytes`.
 * Never throws for a malformed receipt or key; it just answers false.
 */
export function verifyReceipt(
  receipt: RelayReceipt,
  relayPublicKey: KeyObject | Uint8Array | string,
): boolean {
  const publicKey = toPublicKey(relayPublicKey);
  if (publicKey?.asymmetricKeyType !== 'ed25519') return false;
  if (receipt.relayKeyId !== relayKeyId(rawEd25519PublicKey(publicKey))) return false;
  const signature = receiptSignatureBytes(receipt);
  if (signature === undefined) return false;
  try {
    // receiptSigningBytes reads only the signed fields.
    return verify(null, receiptSigningBytes(receipt), publicKey, signature);
  } catch {
    return false;
  }
}
