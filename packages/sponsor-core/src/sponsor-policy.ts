/**
 * A tenant's sponsorship policy and the decisions made from it without I/O: which calls may be
 * sponsored, how much gas one may take, the budgets' period, and whether spending fits a budget.
 * The store applies `fitsBudget` under its lock, so the decision and the reservation are one step.
 */
import { getAddress } from 'ethers';
import { SponsorError, SponsorErrorCode } from './sponsor-error.ts';
import type { VerifiedSponsorship } from './sponsorship-request.ts';

/** A budget for one period: at most `wei` spent (reserved or settled) and `count` sponsorships. */
export interface Budget {
  readonly wei: bigint;
  readonly count: number;
}

export interface TenantPolicy {
  readonly tenant: string;
  /** Allowed calls: target contract (any case) → the 4-byte selectors allowed on it (0x-hex). */
  readonly allow: ReadonlyMap<string, ReadonlySet<string>>;
  /** The most gas one sponsored transaction may be given (the estimate, not the user's wish). */
  readonly maxGas: bigint;
  /** Budgets reset at each multiple of this many seconds since the epoch (e.g. 86400: daily, UTC). */
  readonly periodSeconds: number;
  readonly tenantBudget: Budget;
  readonly userBudget: Budget;
  /** Refuse a request whose deadline is nearer than this: it could not be mined in time. */
  readonly minDeadlineSeconds: number;
}

/** Spending so far in a period (reserved worst cases plus settled charges), and its count. */
export interface Spent {
  readonly wei: bigint;
  readonly count: number;
}

/** Refuses a call outside the tenant's allow-list. */
export function checkAllowed(policy: TenantPolicy, sponsorship: VerifiedSponsorship): void {
  const selectors = [...policy.allow].find(([target]) => getAddress(target) === sponsorship.target)?.[1];
  if (selectors === undefined) {
    throw new SponsorError(SponsorErrorCode.NotAllowed, `target ${sponsorship.target} is not allowed`);
  }
  if (!selectors.has(sponsorship.selector.toLowerCase())) {
    throw new SponsorError(
      SponsorErrorCode.NotAllowed,
      `function ${sponsorship.selector} is not allowed on ${sponsorship.target}`,
    );
  }
}

/** Refuses a request whose deadline has passed or is too near to mine it. */
export function checkDeadline(policy: TenantPolicy, deadline: bigint, now: bigint): void {
  if (deadline < now + BigInt(policy.minDeadlineSeconds)) {
    throw new SponsorError(
      SponsorErrorCode.Expired,
      `deadline ${deadline} has passed or is too near (now ${now})`,
    );
  }
}

/** Refuses a transaction that needs more gas than the policy allows. */
export function checkGas(policy: TenantPolicy, gasLimit: bigint): void {
  if (gasLimit > policy.maxGas) {
    throw new SponsorError(
      SponsorErrorCode.GasTooHigh,
      `gas ${gasLimit} exceeds the tenant's ${policy.maxGas}`,
    );
  }
}

/** The start (unix seconds) of the budget period holding `now`. */
export function periodStart(policy: TenantPolicy, now: bigint): bigint {
  const period = BigInt(policy.periodSeconds);
  return now - (now % period);
}

/** Whether `cost` more, and one more sponsorship, stays within `budget` given what is `spent`. */
export function fitsBudget(budget: Budget, spent: Spent, cost: bigint): boolean {
  return spent.count + 1 <= budget.count && spent.wei + cost <= budget.wei;
}
