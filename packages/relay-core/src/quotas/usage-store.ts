/**
 * The UsageStore port: tenants' usage per UTC day, added to in batches by every replica, and the
 * usage report that lists the anchored batches holding a tenant's files. `PostgresUsageStore` in
 * the relay service is the real one; `MemoryUsageStore` a test double; one contract for both.
 */

export interface UsageCounts {
  files: number;
  bytes: number;
  deliveries: number;
  streams: number;
}

export interface UsageDay extends UsageCounts {
  tenantId: string;
  /** YYYY-MM-DD (UTC). */
  day: string;
}

/** A batch-file holding some of a tenant's tx-files, as the parser indexed it. */
export interface UsageBatch {
  platform: string;
  sequence: number;
  /** The batch-file's CID: fetch it to count the tenant's CIDs in it yourself. */
  cid: string;
  /** How many of the tenant's tx-files accepted in the period the batch holds. */
  files: number;
}

export interface UsageReport {
  tenantId: string;
  /** Receipts of the tenant accepted in the period. */
  receipts: number;
  batches: UsageBatch[];
  /** Of those receipts, how many are in no indexed batch yet. */
  unbatched: number;
}

export interface UsageStore {
  /** Adds each row's counts to its tenant's day (rows for one tenant and day are summed). */
  add(rows: readonly UsageDay[]): Promise<void>;
  /** Days from `from` to `to` (inclusive, YYYY-MM-DD), of one tenant or (null) of all; by tenant, day. */
  days(tenantId: string | null, from: string, to: string): Promise<UsageDay[]>;
  /** The report of the tenant's receipts accepted in [from 00:00, to 24:00) UTC. */
  report(tenantId: string, from: string, to: string): Promise<UsageReport>;
}
