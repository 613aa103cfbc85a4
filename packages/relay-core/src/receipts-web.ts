/**
 * `@anchorpost/relay-core/receipts-web`: a relay receipt's canonical bytes and its signature
 * checked with WebCrypto. No Node built-in is reachable from here (the SDK's browser entries
 * bundle it); `./receipts` is the node:crypto side, over the same bytes.
 */
export { RECEIPT_DOMAIN_TAG, receiptSigningBytes, type UnsignedReceipt } from './receipt-bytes.ts';
export { rawEd25519KeyOf, verifyReceiptWeb } from './receipt-verify-web.ts';
