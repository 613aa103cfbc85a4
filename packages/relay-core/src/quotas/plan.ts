/**
 * Plans and their limits: every tenant is on a plan (`free` or `pro`), whose limits come from the
 * relay's settings, and may have overrides that replace single limits for it alone.
 */
import { RelayError, RelayErrorCode } from '../relay-error.ts';

export const PLAN_NAMES = ['free', 'pro'] as const;
export type PlanName = (typeof PLAN_NAMES)[number];

export interface PlanLimits {
  /** Token bucket rate; the bucket holds one second's worth (at least one file). */
  filesPerSecond: number;
  /** Bytes of newly accepted tx-files per UTC day. */
  bytesPerDay: number;
  /** Subscription streams open at once, across all replicas. */
  maxStreams: number;
  /** Largest tx-file accepted (never above the relay's own limit). */
  maxFileBytes: number;
}

export type QuotaOverrides = Partial<PlanLimits>;

export interface TenantPlan {
  plan: PlanName;
  overrides: QuotaOverrides;
}

export type PlanTable = Readonly<Record<PlanName, PlanLimits>>;

export const LIMIT_NAMES = ['filesPerSecond', 'bytesPerDay', 'maxStreams', 'maxFileBytes'] as const;

export function isPlanName(value: unknown): value is PlanName {
  return typeof value === 'string' && (PLAN_NAMES as readonly string[]).includes(value);
}

/** The limits that apply to a tenant: its plan's, with its overrides in their place. */
export function limitsFor(plans: PlanTable, tenant: TenantPlan): PlanLimits {
  return { ...plans[tenant.plan], ...tenant.overrides };
}

/**
 * Checks overrides from an operator (admin API) or the database: positive safe integers only,
 * given back in LIMIT_NAMES order (jsonb keeps keys in an order of its own).
 */
export function parseOverrides(value: unknown): QuotaOverrides {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new RelayError(RelayErrorCode.BadArgument, 'overrides must be an object', { field: 'overrides' });
  }
  const overrides: QuotaOverrides = {};
  for (const [name, limit] of Object.entries(value)) {
    if (!(LIMIT_NAMES as readonly string[]).includes(name)) {
      throw new RelayError(RelayErrorCode.BadArgument, `no limit ${name} (${LIMIT_NAMES.join(', ')})`, {
        field: `overrides.${name}`,
      });
    }
    if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1) {
      throw new RelayError(RelayErrorCode.BadArgument, `${name} must be a positive integer`, {
        field: `overrides.${name}`,
      });
    }
  }
  for (const name of LIMIT_NAMES) {
    const limit = (value as Record<string, unknown>)[name];
    if (typeof limit === 'number') overrides[name] = limit;
  }
  return overrides;
}
