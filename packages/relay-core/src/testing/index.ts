/**
 * `@anchorpost/relay-core/testing`: the ReceiptStore and ErgoBlockView contract suites, and the
 * in-memory Ergo block view TEST DOUBLE.
 */
export { receiptStoreContract, type ReceiptStoreFactory } from './contract.ts';
export {
  ergoBlockViewContract,
  type ErgoBlockViewFactory,
  type ErgoBlockViewStage,
} from './ergo-block-view-contract.ts';
export { MemoryErgoBlockView } from './memory-ergo-block-view.ts';
