/** A TEST DOUBLE of the QuotaStore in memory (one process), held to the PostgreSQL one's contract. */
import type { FileTokenLease, QuotaStore } from '../quotas/quota-store.ts';
import { bucketCapacity, granted, msUntilToken, refilled } from '../quotas/token-bucket.ts';

export class MemoryQuotaStore implements QuotaStore {
  readonly #clock: () => Date;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  readonly #dayBytes = new Map<string, number>();
  readonly #streams = new Map<string, { tenantId: string; expiresAt: number }>();
  /** Calls made, so tests can see the hot path make none. */
  calls = 0;

  constructor(clock: () => Date = () => new Date()) {
    this.#clock = clock;
  }

  takeFileTokens(tenantId: string, want: number, filesPerSecond: number): Promise<FileTokenLease> {
    this.calls += 1;
    const now = this.#clock().getTime();
    const bucket = this.#buckets.get(tenantId) ?? { tokens: bucketCapacity(filesPerSecond), at: now };
    const available = refilled(bucket.tokens, now - bucket.at, filesPerSecond);
    const taken = granted(available, want);
    this.#buckets.set(tenantId, { tokens: available - taken, at: now });
    return Promise.resolve({
      granted: taken,
      retryAfterMs: taken === 0 ? msUntilToken(available, filesPerSecond) : 0,
    });
  }

  takeDayBytes(tenantId: string, day: string, want: number, bytesPerDay: number): Promise<number> {
    this.calls += 1;
    const key = `${tenantId}\n${day}`;
    const before = this.#dayBytes.get(key) ?? 0;
    const taken = Math.max(0, Math.min(want, bytesPerDay - before));
    this.#dayBytes.set(key, before + taken);
    return Promise.resolve(taken);
  }

  openStream(
    tenantId: string,
    id: string,
    _replica: string,
    ttlMs: number,
    maxStreams: number,
  ): Promise<boolean> {
    this.calls += 1;
    const now = this.#clock().getTime();
    let open = 0;
    for (const [key, lease] of this.#streams) {
      if (lease.expiresAt <= now) this.#streams.delete(key);
      else if (lease.tenantId === tenantId) open += 1;
    }
    if (open >= maxStreams) return Promise.resolve(false);
    this.#streams.set(id, { tenantId, expiresAt: now + ttlMs });
    return Promise.resolve(true);
  }

  renewStreams(ids: readonly string[], ttlMs: number): Promise<void> {
    this.calls += 1;
    const now = this.#clock().getTime();
    for (const id of ids) {
      const lease = this.#streams.get(id);
      if (lease !== undefined && lease.expiresAt > now) lease.expiresAt = now + ttlMs;
    }
    return Promise.resolve();
  }

  closeStream(id: string): Promise<void> {
    this.calls += 1;
    this.#streams.delete(id);
    return Promise.resolve();
  }
}
