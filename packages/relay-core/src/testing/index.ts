/**
 * `@anchorpost/relay-core/testing`: the ReceiptStore, TenantStore and ErgoBlockView contract
 * suites, and the in-memory Ergo block view and tenant store TEST DOUBLES.
 */
export { receiptStoreContract, type ReceiptStoreFactory } from './contract.ts';
export {
  ergoBlockViewContract,
  type ErgoBlockViewFactory,
  type ErgoBlockViewStage,
} from './ergo-block-view-contract.ts';
export { MemoryErgoBlockView } from './memory-ergo-block-view.ts';
export { tenantStoreContract, type TenantStoreFactory } from './tenant-store-contract.ts';
export { MemoryTenantStore } from './memory-tenant-store.ts';
