/**
 * A relay's receipt, checked: it must be for the bytes sent (its CID theirs), and with the relay's
 * public key its Ed25519 signature must verify (`@anchorpost/relay-core`'s verifier, the same one
 * the relay signs with). A signature proves who signed, not for what, so the CID is always checked.
 * Browsers check with `checkReceiptWeb` (./receipts-web.ts): the same bytes, WebCrypto's Ed25519.
 */
import type { RelayReceipt } from '@anchorpost/relay-core';
// The receipts entry alone: not the relay, its stores and their database code.
import { verifyReceipt } from '@anchorpost/relay-core/receipts';
import { badReceiptSignature, checkReceiptCid, type RelayPublicKey } from './receipts-web.ts';

export type { RelayReceipt } from '@anchorpost/relay-core';
export { checkReceiptWeb, parseRelayKey, type RelayPublicKey } from './receipts-web.ts';

/**
 * CID_MISMATCH unless `receipt` is for `cid`; with `relayKey`, BAD_RECEIPT_SIGNATURE unless that
 * key signed it.
 */
export function checkReceipt(receipt: RelayReceipt, cid: string, relayKey?: RelayPublicKey): void {
  checkReceiptCid(receipt, cid);
  if (relayKey !== undefined && !verifyReceipt(receipt, relayKey)) throw badReceiptSignature(receipt);
}
