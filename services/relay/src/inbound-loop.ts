/**
 * Runs relay-core's InboundDelivery (ADR 0031) every `intervalMs` in the background: peers' files
 * indexed by the parser, delivered to this relay's subscribers. A failed run (storage, database or
 * bus down) is logged and counted; the next one starts from the same cursor.
 */
import type { InboundDelivery } from '@anchorpost/relay-core';
import type { Logger, ServiceMetrics } from '@anchorpost/service-kit';
import { RELAY_METRICS } from './relay-metrics.ts';

export interface InboundLoop {
  /** One run now (tests, and the first run at start). */
  runOnce(): Promise<void>;
  close(): Promise<void>;
}

export function startInboundLoop(
  inbound: InboundDelivery,
  options: { intervalMs: number; metrics: ServiceMetrics; logger: Logger },
): InboundLoop {
  const failures = options.metrics.counter(
    RELAY_METRICS.inboundRunFailuresTotal,
    'Runs of inbound delivery that failed (tried again at the next interval)',
  );
  failures.inc(0);
  let current: Promise<void> = Promise.resolve();
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
  const timer = setInterval(() => void runOnce(), options.intervalMs);
  timer.unref();
  void runOnce();
  return {
    runOnce,
    async close() {
      clearInterval(timer);
      await current;
    },
  };
}
