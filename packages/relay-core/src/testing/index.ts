/** `@anchorpost/relay-core/testing`: the ReceiptStore contract suite. */
export { receiptStoreContract, type ReceiptStoreFactory } from './contract.ts';
