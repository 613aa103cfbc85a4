/**
 * Runs the treasury's passes every interval, under its own leader election (one key, one writer:
 * two replicas refilling at once would each see the account low). A pass never throws.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { leaderTerms } from '@anchorpost/leader-election';
import type { ElectionFactory, LeaderTerms } from '@anchorpost/leader-election';
import type { Logger, ServiceMetrics } from '@anchorpost/service-kit';
import type { Treasury } from './treasury.ts';

export function treasuryTerms(options: {
  readonly treasury: Treasury;
  readonly intervalMs: number;
  readonly election: ElectionFactory | undefined;
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
}): LeaderTerms {
  let running: { stop: AbortController; done: Promise<void> } | undefined;
  return leaderTerms({
    election: options.election,
    work: 'keeps the accounts funded (treasury)',
    metrics: options.metrics,
    logger: options.logger.child({ work: 'treasury' }),
    retryMs: options.intervalMs,
    begin: () => {
      const stop = new AbortController();
      const done = (async () => {
        while (!stop.signal.aborted) {
          await options.treasury.pass();
          await sleep(options.intervalMs, undefined, { signal: stop.signal }).catch(() => undefined);
        }
      })();
      running = { stop, done };
      return Promise.resolve();
    },
    end: async () => {
      const ending = running;
      running = undefined;
      ending?.stop.abort();
      await ending?.done;
    },
  });
}
