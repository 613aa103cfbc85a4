/**
 * A relay's receipt, checked: it must be for the bytes sent (its CID theirs), and with the relay's
 * public key its Ed25519 signature must verify (`@anchorpost/relay-core`'s verifier, the same one
 * the relay signs with). A signature proves who signed, not for what, so the CID is always checked.
 */
import { fromHex } from '@anchorpost/protocol';
import type { RelayReceipt } from '@anchorpost/relay-core';
// The receipts entry alone: not the relay, its stores and their database code.
import { verifyReceipt } from '@anchorpost/relay-core/receipts';
import { SdkError, SdkErrorCode } from './sdk-error.ts';

export type { RelayReceipt } from '@anchorpost/relay-core';

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

/**
 * CID_MISMATCH unless `receipt` is for `cid`; with `relayKey`, BAD_RECEIPT_SIGNATURE unless that
 * key signed it.
 */
export function checkReceipt(receipt: RelayReceipt, cid: string, relayKey?: RelayPublicKey): void {
  if (receipt.cid !== cid) {
    throw new SdkError(
      SdkErrorCode.CidMismatch,
      `the relay answered a receipt for ${receipt.cid}, but the file sent is ${cid}`,
      { field: 'receipt.cid' },
    );
  }
  if (relayKey !== undefined && !verifyReceipt(receipt, relayKey)) {
    throw new SdkError(
      SdkErrorCode.BadReceiptSignature,
      `the relay accepted ${receipt.cid} but its receipt is not signed by the relay key given`,
      { field: 'receipt.signature' },
    );
  }
}
