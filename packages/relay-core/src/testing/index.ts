/**
 * `@anchorpost/relay-core/testing`: the ReceiptStore, TenantStore, QuotaStore, UsageStore and ErgoBlockView contract
 * suites, and the in-memory Ergo block view, tenant, quota and usage store TEST DOUBLES.
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
export { quotaStoreContract, type QuotaStoreFactory } from './quota-store-contract.ts';
export { MemoryQuotaStore } from './memory-quota-store.ts';
export { usageStoreContract, type UsageStoreFactory, type UsageStoreSeed } from './usage-store-contract.ts';
export { MemoryUsageStore } from './memory-usage-store.ts';
