/**
 * Runs relay-core's InboundDelivery (ADR 0031) every `intervalMs` in the background: peers' files
 * indexed by the parser, delivered to this relay's subscribers. A failed run (storage, database or
 * bus down) is logged and counted; the next one starts from the same cursor.
 *
 * Under an election (`ANCHORPOST_LEADER_ELECTION`) only the elected replica runs it: two replicas
 * running it at once would each publish a file they both took before either saved its receipt.
 */
import { leaderTerms, type ElectionFactory } from '@anchorpost/leader-election';
import type { InboundDelivery } from '@anchorpost/relay-core';
import type { Logger, ServiceMetrics } from '@anchorpost/service-kit';
import { RELAY_METRICS } from './relay-metrics.ts';

export interface InboundLoop {
  /** True while this replica runs the delivery (always, without an election). */
  readonly isLeader: boolean;
  /** Ends the run in flight and the term, then releases the lease. */
  close(): Promise<void>;
}

export interface InboundLoopOptions {
  readonly intervalMs: number;
  readonly metrics: ServiceMetrics;
  readonly logger: Logger;
  /** One deliverer among the replicas (@anchorpost/leader-election); undefined: this one, always. */
  readonly election?: ElectionFactory | undefined;
}

export async function startInboundLoop(
  inbound: InboundDelivery,
  options: InboundLoopOptions,
): Promise<InboundLoop> {
  const failures = options.metrics.counter(
    RELAY_METRICS.inboundRunFailuresTotal,
    'Runs of inbound delivery that failed (tried again at the next interval)',
  );
  failures.inc(0);
  let current: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const runOnce = (): Promise<void> => {
    current = current.then(async () => {
      try {
        await inbound.runOnce();
      } catch (error) {
        failures.inc();
        options.logger.error({ err: error }, 'inbound delivery run failed; trying again later');
      }
    });
    return current;
  };
  const terms = leaderTerms({
    election: options.election,
    work: "delivers peers' files",
    metrics: options.metrics,
    logger: options.logger,
    retryMs: options.intervalMs,
    begin: () => {
      timer = setInterval(() => void runOnce(), options.intervalMs);
      timer.unref();
      void runOnce();
      return Promise.resolve();
    },
    // The run in flight finishes (its cursor saved) before a successor may start one.
    end: async () => {
      clearInterval(timer);
      timer = undefined;
      await current;
    },
  });
  await terms.start();
  return {
    get isLeader() {
      return terms.isLeader;
    },
    close: () => terms.close(),
  };
}
