/**
 * The one canonical byte form of a relay receipt, what its signature covers (no Node built-in, so
 * the relay, Node readers and browsers all sign and check these same bytes):
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
import type { RelayReceipt } from '@anchorpost/events';
import { fromBase64 } from '@anchorpost/protocol/portable';

export const RECEIPT_DOMAIN_TAG = 'anchorpost/v1/relay-receipt\0';

export type UnsignedReceipt = Omit<RelayReceipt, 'signature'>;

const utf8 = new TextEncoder();
const ED25519_SIGNATURE_BYTES = 64;

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

/** The receipt's 64 signature bytes, or undefined when `signature` is not canonical base64 of 64 bytes. */
export function receiptSignatureBytes(receipt: Pick<RelayReceipt, 'signature'>): Uint8Array | undefined {
  if (typeof receipt.signature !== 'string') return undefined;
  try {
    const signature = fromBase64(receipt.signature, 'signature');
    return signature.byteLength === ED25519_SIGNATURE_BYTES ? signature : undefined;
  } catch {
    return undefined;
  }
}
