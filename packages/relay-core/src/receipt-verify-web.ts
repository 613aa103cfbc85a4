/**
 * A relay receipt's signature checked with WebCrypto (Ed25519): what a browser, or any JavaScript
 * platform without node:crypto, runs. The same canonical bytes as the Node verifier
 * (./receipt-bytes.ts); only the signature primitive differs.
 */
import type { RelayReceipt } from '@anchorpost/events';
import { fromBase64, toHex, webSha256 } from '@anchorpost/protocol/portable';
import { receiptSignatureBytes, receiptSigningBytes } from './receipt-bytes.ts';

const ED25519_RAW_BYTES = 32;
/** SPKI DER of an Ed25519 key: this 12-byte header, then the raw 32 bytes. */
const ED25519_SPKI_PREFIX = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];

/** The raw 32 bytes of an Ed25519 key given raw or as SPKI PEM; undefined for anything else. */
export function rawEd25519KeyOf(relayPublicKey: Uint8Array | string): Uint8Array | undefined {
  if (relayPublicKey instanceof Uint8Array) {
    return relayPublicKey.byteLength === ED25519_RAW_BYTES ? relayPublicKey : undefined;
  }
  const pem = /^-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\s]+)-----END PUBLIC KEY-----$/.exec(
    relayPublicKey.trim(),
  );
  if (pem === null) return undefined;
  let der: Uint8Array;
  try {
    der = fromBase64(pem[1]!.replace(/\s+/g, ''), 'relayKey');
  } catch {
    return undefined;
  }
  const prefixed = ED25519_SPKI_PREFIX.every((byte, i) => der[i] === byte);
  if (!prefixed || der.byteLength !== ED25519_SPKI_PREFIX.length + ED25519_RAW_BYTES) return undefined;
  return der.slice(ED25519_SPKI_PREFIX.length);
}

/**
 * Whether `receipt` was signed by the relay key given as raw 32 bytes or SPKI PEM: `relayKeyId`
 * must name that key and the Ed25519 signature must verify over `receiptSigningBytes`. Never
 * rejects for a malformed receipt or key; it just answers false.
 */
export async function verifyReceiptWeb(
  receipt: RelayReceipt,
  relayPublicKey: Uint8Array | string,
): Promise<boolean> {
  const raw = rawEd25519KeyOf(relayPublicKey);
  if (raw === undefined) return false;
  if (receipt.relayKeyId !== toHex(await webSha256(raw))) return false;
  const signature = receiptSignatureBytes(receipt);
  if (signature === undefined) return false;
  try {
    const key = await crypto.subtle.importKey('raw', new Uint8Array(raw), { name: 'Ed25519' }, false, [
      'verify',
    ]);
    return await crypto.subtle.verify({ name: 'Ed25519' }, key, signature, receiptSigningBytes(receipt));
  } catch {
    return false;
  }
}
