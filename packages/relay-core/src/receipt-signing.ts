/**
 * Receipt signatures. `receiptSigningBytes` is the one canonical byte form of a receipt:
 *
 *   "anchorpost/v1/relay-receipt\0"                           (domain tag, 28 bytes of ASCII + NUL)
 *   then for each field, in this order: version, cid, recipientHash, acceptedAt, sequence, relayKeyId
 *     u32 big-endian byte length ‖ UTF-8 bytes of the field as text
 *
 * with `version` and `sequence` as decimal integers without leading zeros. Length prefixes make
 * the encoding injective whatever the field contents; the domain tag keeps a receipt signature
 * from ever being valid for another Anchorpost message. `signature` is Ed25519 (RFC 8032, pure)
 * over these bytes, in standard base64.
 */
import { createPublicKey, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { RelayReceipt } from '@anchorpost/events';
import { rawEd25519PublicKey, relayKeyId } from './relay-key.ts';
import type { RelayKey } from './relay-key.ts';

export const RECEIPT_DOMAIN_TAG = 'anchorpost/v1/relay-receipt\0';

export type UnsignedReceipt = Omit<RelayReceipt, 'signature'>;

const utf8 = new TextEncoder();

export function receiptSigningBytes(receipt: UnsignedReceipt): Uint8Array {
  const fields = [
    String(receipt.version),
    receipt.cid,
    receipt.recipientHash,
    receipt.acceptedAt,
    String(receipt.sequence),
    receipt.relayKeyId,
  ].map((field) => utf8.encode(field));
  const tag = utf8.encode(RECEIPT_DOMAIN_TAG);
  const out = new Uint8Array(tag.length + fields.reduce((sum, field) => sum + 4 + field.length, 0));
  const view = new DataView(out.buffer);
  out.set(tag);
  let at = tag.length;
  for (const field of fields) {
    view.setUint32(at, field.length);
    out.set(field, at + 4);
    at += 4 + field.length;
  }
  return out;
}

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
  if (typeof receipt.signature !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(receipt.signature))
    return false;
  const signature = Buffer.from(receipt.signature, 'base64');
  if (signature.length !== 64) return false;
  try {
    // receiptSigningBytes reads only the signed fields.
    return verify(null, receiptSigningBytes(receipt), publicKey, signature);
  } catch {
    return false;
  }
}
