/**
 * Runs the treasury's passes every interval, under its own leader election (one key, one writer:
 * two replicas refilling at once would each see the account low). A pass never throws.
 */
import type { ElectionFactory, LeaderTerms } from '@anchorpost/leader-election';
import type { Logger, ServiceMetrics } from '@anchorpost/service-kit';
import { periodicTerms } from '../periodic-terms.ts';
import type { Treasury } from './treasury.ts';

export function treasuryTerms(options: {
  readonly treasury: Treasury;
  readonly intervalMs: number;
  readonly election: ElectionFactory | undefined;
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
}): LeaderTerms {
  return periodicTerms({
    work: 'keeps the accounts funded (treasury)',
    pass: async () => {
      await options.treasury.pass();
    },
    intervalMs: options.intervalMs,
    election: options.election,
    logger: options.logger.child({ work: 'treasury' }),
    metrics: options.metrics,
  });
}
