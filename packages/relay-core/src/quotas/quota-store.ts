/**
 * The QuotaStore port: the state of tenants' quotas that every relay replica shares (PostgreSQL
 * in production). Replicas lease slices of it and spend them locally (TenantQuotas), so the hot
 * path makes no call here while a slice lasts. `PostgresQuotaStore` in the relay service is the
 * real one; `MemoryQuotaStore` is a test double; both pass the contract in `../testing`.
 */

export interface FileTokenLease {
  /** Tokens taken from the tenant's bucket (0 … want). */
  granted: number;
  /** When none were granted: how long until the bucket holds a whole token. */
  retryAfterMs: number;
}

export interface QuotaStore {
  /**
   * Takes up to `want` whole tokens from the tenant's files-per-second bucket (created full),
   * refilled at `filesPerSecond` by the store's clock, capped at `bucketCapacity`.
   */
  takeFileTokens(tenantId: string, want: number, filesPerSecond: number): Promise<FileTokenLease>;
  /**
   * Grants up to `want` bytes of the tenant's UTC `day` (YYYY-MM-DD), so that the bytes granted
   * that day never sum to more than `bytesPerDay`; returns how many were granted.
   */
  takeDayBytes(tenantId: string, day: string, want: number, bytesPerDay: number): Promise<number>;
  /**
   * Opens stream lease `id` for the tenant unless `maxStreams` unexpired leases are open (then
   * false); expired leases do not count. Atomic across replicas.
   */
  openStream(
    tenantId: string,
    id: string,
    replica: string,
    ttlMs: number,
    maxStreams: number,
  ): Promise<boolean>;
  /** Extends the given leases to `ttlMs` from now (a replica's heartbeat for its open streams). */
  renewStreams(ids: readonly string[], ttlMs: number): Promise<void>;
  /** Releases a lease (a closed stream); releasing an unknown or expired one is no error. */
  closeStream(id: string): Promise<void>;
}
