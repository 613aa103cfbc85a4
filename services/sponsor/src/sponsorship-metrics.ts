/**
 * The sponsorships' metrics, for the dashboard: every acceptance asked for, by tenant and outcome
 * (`accepted`, `replayed`, or the refusal's code), and its latency — the reservation path: the
 * request's checks, the chain's verify, eth_call and estimate, the reservation's transaction;
 * and, read at each scrape, the open sponsorships by state and each tenant's budget used this
 * period (reserved worst cases plus settled charges, over the budget: wei and count).
 */
import type { ServiceMetrics } from '@anchorpost/service-kit';
import { SponsorError } from '@anchorpost/sponsor-core';
import { SPONSOR_METRICS } from './sponsor-metrics.ts';
import type { BudgetView } from './sponsorship-answers.ts';

export interface SponsorshipMetricsOptions {
  readonly metrics: ServiceMetrics;
  /** The tenants with a policy. */
  readonly tenants: () => Iterable<string>;
  readonly budget: (tenant: string) => Promise<BudgetView>;
  /** The sponsorships not settled or released yet, by state (`reserved`, `sent`). */
  readonly openByState: () => Promise<Readonly<Record<string, number>>>;
}

export type AcceptanceObserver = <T extends { readonly firstTime: boolean }>(
  tenant: string,
  accept: () => Promise<T>,
) => Promise<T>;

const ratio = (spent: string | number, budget: string | number): number =>
  Number(budget) === 0 ? 0 : Number(spent) / Number(budget);

/** Registers the metrics; the observer wraps each acceptance. */
export function sponsorshipMetrics(options: SponsorshipMetricsOptions): AcceptanceObserver {
  const { metrics } = options;
  const total = metrics.counter(
    SPONSOR_METRICS.sponsorshipsTotal,
    'Sponsorship requests by tenant and outcome: accepted, replayed, or the refusal code',
    ['tenant', 'outcome'],
  );
  const duration = metrics.histogram(
    SPONSOR_METRICS.acceptDurationSeconds,
    "Time to answer a sponsorship request (checks, the chain's verify, call and estimate, the reservation), by outcome",
    ['outcome'],
    [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  );
  metrics.gauge(
    SPONSOR_METRICS.sponsorshipsOpen,
    'Sponsorships not settled or released yet, by state (reserved: accepted, not sent; sent)',
    ['state'],
    async (gauge) => {
      const open = await options.openByState();
      for (const state of ['reserved', 'sent']) gauge.set({ state }, open[state] ?? 0);
    },
  );
  metrics.gauge(
    SPONSOR_METRICS.tenantBudgetUsedRatio,
    "The share of a tenant's budget used this period, by tenant and budget (wei, count)",
    ['tenant', 'budget'],
    async (gauge) => {
      for (const tenant of options.tenants()) {
        const { tenant: use } = await options.budget(tenant);
        gauge.set({ tenant, budget: 'wei' }, ratio(use.spentWei, use.budgetWei));
        gauge.set({ tenant, budget: 'count' }, ratio(use.spentCount, use.budgetCount));
      }
    },
  );
  return async (tenant, accept) => {
    const started = performance.now();
    let outcome = 'INTERNAL';
    try {
      const answer = await accept();
      outcome = answer.firstTime ? 'accepted' : 'replayed';
      return answer;
    } catch (error) {
      if (error instanceof SponsorError) outcome = error.code;
      throw error;
    } finally {
      total.inc({ tenant, outcome });
      duration.observe({ outcome }, (performance.now() - started) / 1000);
    }
  };
}
