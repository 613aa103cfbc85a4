/**
 * A relay's receipt checked on any JavaScript platform (a browser): for the bytes sent, and with
 * the relay's public key signed by it — Ed25519 through WebCrypto over the same canonical bytes
 * the relay signs (`@anchorpost/relay-core/receipts-web`). No Node built-in is reachable from
 * here; the Node entry's `checkReceipt` (./receipts.ts) shares the key parsing and the CID check.
 */
import type { RelayReceipt } from '@anchorpost/relay-core';
import { fromHex } from '@anchorpost/protocol/portable';
import { verifyReceiptWeb } from '@anchorpost/relay-core/receipts-web';
import { SdkError, SdkErrorCode } from './sdk-error.ts';

/** A relay's Ed25519 public key: SPKI PEM, or the raw 32 bytes (as bytes or 64 hex characters). */
export type RelayPublicKey = string | Uint8Array;

/** The key text of a relay key file (PEM or hex); INVALID_INPUT for anything else. */
export function parseRelayKey(text: string): RelayPublicKey {
  const trimmed = text.trim();
  if (trimmed.startsWith('-----BEGIN PUBLIC KEY-----')) return trimmed;
  if (/^[0-9a-f]{64}$/i.test(trimmed)) return fromHex(trimmed.toLowerCase());
  throw new SdkError(SdkErrorCode.InvalidInput, 'expected an SPKI PEM public key or 64 hex characters', {
    field: 'relayKey',
  });
}

/** CID_MISMATCH unless `receipt` is for `cid`. */
export function checkReceiptCid(receipt: RelayReceipt, cid: string): void {
  if (receipt.cid === cid) return;
  throw new SdkError(
    SdkErrorCode.CidMismatch,
    `the relay answered a receipt for ${receipt.cid}, but the file sent is ${cid}`,
    { field: 'receipt.cid' },
  );
}

/** BAD_RECEIPT_SIGNATURE: the receipt is not signed by the relay key given. */
export function badReceiptSignature(receipt: RelayReceipt): SdkError {
  return new SdkError(
    SdkErrorCode.BadReceiptSignature,
    `the relay accepted ${receipt.cid} but its receipt is not signed by the relay key given`,
    { field: 'receipt.signature' },
  );
}

/**
 * The browser twin of `checkReceipt`: rejects with CID_MISMATCH unless `receipt` is for `cid`,
 * and with `relayKey`, BAD_RECEIPT_SIGNATURE unless that key signed it.
 */
export async function checkReceiptWeb(
  receipt: RelayReceipt,
  cid: string,
  relayKey?: RelayPublicKey,
): Promise<void> {
  checkReceiptCid(receipt, cid);
  if (relayKey !== undefined && !(await verifyReceiptWeb(receipt, relayKey))) {
    throw badReceiptSignature(receipt);
  }
}
