/**
 * `@anchorpost/relay-core/receipts`: relay receipts and keys alone — what a reader of
 * `tx-file.accepted` needs to check who signed a receipt (the batcher), without loading the relay,
 * its receipt stores and their database code.
 */
export {
  receiptSigningBytes,
  signReceipt,
  verifyReceipt,
  RECEIPT_DOMAIN_TAG,
  type UnsignedReceipt,
} from './receipt-signing.ts';
export {
  generateRelayKey,
  loadRelayKey,
  rawEd25519PublicKey,
  relayKeyId,
  type RelayKey,
} from './relay-key.ts';
