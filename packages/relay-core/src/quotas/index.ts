/** Plans, quotas held across replicas, and usage: the ports, the engine and the usage meter. */
export {
  LIMIT_NAMES,
  PLAN_NAMES,
  isPlanName,
  limitsFor,
  parseOverrides,
  type PlanLimits,
  type PlanName,
  type PlanTable,
  type QuotaOverrides,
  type TenantPlan,
} from './plan.ts';
export {
  bucketCapacity,
  byteSlice,
  fileSlice,
  granted,
  msUntilToken,
  refilled,
  utcDay,
} from './token-bucket.ts';
export type { FileTokenLease, QuotaStore } from './quota-store.ts';
export type { UsageBatch, UsageCounts, UsageDay, UsageReport, UsageStore } from './usage-store.ts';
export { TenantQuotas, type TenantQuotasOptions } from './tenant-quotas.ts';
export { StreamSlots, type StreamSlot, type StreamSlotsOptions } from './stream-slots.ts';
export { UsageMeter, type UsageMeterOptions } from './usage-meter.ts';
