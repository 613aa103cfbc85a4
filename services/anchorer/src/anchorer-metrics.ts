/**
 * The anchorer's metric names (`anchorpost_anchorer_<name>`), by purpose: the one place they are
 * written. ServiceMetrics refuses to register a name that is not here.
 */
import { LEADER_METRICS } from '@anchorpost/leader-election';
import type { MetricNames } from '@anchorpost/service-kit';

export const ANCHORER_METRICS = {
  requestsTotal: 'requests_total',
  consumeFailuresTotal: 'consume_failures_total',
  transitionsTotal: 'transitions_total',
  openRequests: 'open_requests',
  tickFailuresTotal: 'tick_failures_total',
  consumerLag: 'consumer_lag',
  walletBalance: 'wallet_balance',
  ...LEADER_METRICS,
} as const satisfies MetricNames;
