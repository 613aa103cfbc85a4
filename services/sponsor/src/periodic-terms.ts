/**
 * A pass run every interval under its own leader election (one writer: the treasury's key, the
 * ledger's state chain), from `begin` to `end` of each term. The pass must not throw.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { leaderTerms } from '@anchorpost/leader-election';
import type { ElectionFactory, LeaderTerms } from '@anchorpost/leader-election';
import type { Logger, ServiceMetrics } from '@anchorpost/service-kit';

export function periodicTerms(options: {
  /** What the leader does, for the election's logs. */
  readonly work: string;
  readonly pass: () => Promise<void>;
  readonly intervalMs: number;
  readonly election: ElectionFactory | undefined;
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
}): LeaderTerms {
  let running: { stop: AbortController; done: Promise<void> } | undefined;
  return leaderTerms({
    election: options.election,
    work: options.work,
    metrics: options.metrics,
    logger: options.logger,
    retryMs: options.intervalMs,
    begin: () => {
      const stop = new AbortController();
      const done = (async () => {
        while (!stop.signal.aborted) {
          await options.pass();
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
