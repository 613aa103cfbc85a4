/**
 * Tenants' quotas as a relay replica enforces them: the limits of each tenant's plan (read through
 * a short-TTL cache), and slices of its shared files-per-second bucket and day's bytes leased from
 * the QuotaStore and spent here. While a slice lasts a file costs no database call; a refusal is
 * remembered until its Retry-After, so a tenant over its limit costs none either.
 *
 * Bound (docs/adr/0027): the store never hands out more than the shared limit, so bytes per day
 * are never exceeded; over any window of T seconds a tenant gets at most capacity + rate·T files
 * plus the slices replicas held at the window's start (≤ replicas × fileSlice, each slice kept at
 * most `sliceTtlMs`). The price is that slices unspent on one replica are not available on
 * another: a tenant may be refused up to replicas × slice early.
 */
import { RelayError, RelayErrorCode } from '../relay-error.ts';
import { limitsFor } from './plan.ts';
import type { PlanLimits, PlanTable, TenantPlan } from './plan.ts';
import type { QuotaStore } from './quota-store.ts';
import { byteSlice, fileSlice, msUntilNextUtcDay, utcDay } from './token-bucket.ts';

export interface TenantQuotasOptions {
  store: QuotaStore;
  plans: PlanTable;
  /** The tenant's plan and overrides (TenantStore.plan); null for no such tenant. */
  planOf(tenantId: string): Promise<TenantPlan | null>;
  /** How long a tenant's limits are trusted (a plan change reaches every replica within it). */
  cacheTtlMs: number;
  /** A leased slice of file tokens is dropped after this long, unspent or not. */
  sliceTtlMs?: number;
  clock?: () => Date;
}

interface Local {
  limits: PlanLimits;
  limitsUntil: number;
  tokens: number;
  tokensUntil: number;
  /** No file until then: the bucket was empty (known from the store, not guessed). */
  ratedUntil: number;
  day: string;
  bytes: number;
  /** The day's bytes are all granted (to this replica or others). */
  dayExhausted: boolean;
}

export class TenantQuotas {
  readonly #options: TenantQuotasOptions;
  readonly #clock: () => Date;
  readonly #sliceTtlMs: number;
  readonly #tenants = new Map<string, Local>();

  constructor(options: TenantQuotasOptions) {
    this.#options = options;
    this.#clock = options.clock ?? (() => new Date());
    this.#sliceTtlMs = options.sliceTtlMs ?? 1_000;
  }

  /** The tenant's limits now (cached). */
  async limits(tenantId: string): Promise<PlanLimits> {
    return (await this.#local(tenantId)).limits;
  }

  /** TOO_LARGE when the file is larger than the tenant's plan allows (checked before parsing). */
  async checkSize(tenantId: string, bytes: number): Promise<void> {
    const { maxFileBytes } = (await this.#local(tenantId)).limits;
    if (bytes > maxFileBytes) {
      throw new RelayError(
        RelayErrorCode.TooLarge,
        `the tx-file has ${bytes} bytes, the tenant's plan accepts at most ${maxFileBytes}`,
        { field: 'maxFileBytes' },
      );
    }
  }

  /**
   * Spends one file and `bytes` bytes of the tenant's quotas, or refuses (RATE_LIMITED,
   * DAILY_BYTES_EXHAUSTED) with a Retry-After; called before anything is stored.
   */
  async admit(tenantId: string, bytes: number): Promise<void> {
    const local = await this.#local(tenantId);
    const now = this.#clock();
    await this.#takeFile(tenantId, local, now.getTime());
    await this.#takeBytes(tenantId, local, bytes, now);
  }

  async #takeFile(tenantId: string, local: Local, now: number): Promise<void> {
    if (local.tokensUntil <= now) local.tokens = 0;
    if (local.tokens < 1) {
      if (local.ratedUntil > now) throw rateLimited(local.ratedUntil - now);
      const { filesPerSecond } = local.limits;
      const lease = await this.#options.store.takeFileTokens(
        tenantId,
        fileSlice(filesPerSecond),
        filesPerSecond,
      );
      if (lease.granted === 0) {
        local.ratedUntil = now + lease.retryAfterMs;
        throw rateLimited(lease.retryAfterMs);
      }
      local.tokens = lease.granted;
      local.tokensUntil = now + this.#sliceTtlMs;
    }
    local.tokens -= 1;
  }

  async #takeBytes(tenantId: string, local: Local, bytes: number, now: Date): Promise<void> {
    const day = utcDay(now);
    if (local.day !== day) Object.assign(local, { day, bytes: 0, dayExhausted: false });
    if (local.bytes < bytes) {
      const { bytesPerDay } = local.limits;
      if (!local.dayExhausted) {
        const want = byteSlice(bytesPerDay, bytes - local.bytes);
        const got = await this.#options.store.takeDayBytes(tenantId, day, want, bytesPerDay);
        local.bytes += got;
        if (got < want) local.dayExhausted = true;
      }
      if (local.bytes < bytes) {
        throw new RelayError(
          RelayErrorCode.DailyBytesExhausted,
          `the tenant's ${bytesPerDay} bytes for ${day} (UTC) are used up`,
          { field: 'bytesPerDay', retryAfterMs: msUntilNextUtcDay(now) },
        );
      }
    }
    local.bytes -= bytes;
  }

  async #local(tenantId: string): Promise<Local> {
    const now = this.#clock().getTime();
    let local = this.#tenants.get(tenantId);
    if (local === undefined || local.limitsUntil <= now) {
      const plan = await this.#options.planOf(tenantId);
      // Callers are authenticated first; a tenant removed meanwhile gets the free plan's limits.
      const limits = limitsFor(this.#options.plans, plan ?? { plan: 'free', overrides: {} });
      const until = now + this.#options.cacheTtlMs;
      local ??= {
        limits,
        limitsUntil: until,
        tokens: 0,
        tokensUntil: 0,
        ratedUntil: 0,
        day: '',
        bytes: 0,
        dayExhausted: false,
      };
      // A raised limit must not wait for a refusal remembered under the old one.
      if (limits.filesPerSecond !== local.limits.filesPerSecond) local.ratedUntil = 0;
      if (limits.bytesPerDay !== local.limits.bytesPerDay) local.dayExhausted = false;
      Object.assign(local, { limits, limitsUntil: until });
      this.#tenants.set(tenantId, local);
    }
    return local;
  }
}

function rateLimited(retryAfterMs: number): RelayError {
  return new RelayError(RelayErrorCode.RateLimited, "the tenant's files per second are used up", {
    field: 'filesPerSecond',
    retryAfterMs,
  });
}
