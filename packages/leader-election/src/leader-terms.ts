/**
 * Runs a service's single-writer work for as long as it leads: `begin` when a term starts (retried
 * while the term lasts, if it fails under an election), `end` when it stops, one change at a
 * time, with the leader gauge (`anchorpost_<service>_leader` 1/0) and a log line per change. A
 * standby does nothing but stay ready. Without an election the work begins at once and a `begin`
 * that fails fails the start, as a single replica always did.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger, ServiceMetrics } from '@anchorpost/service-kit';
import { alwaysLeader } from './leader-elector.ts';
import type { ElectionFactory, LeaderElector } from './leader-elector.ts';

export interface LeaderTermsOptions {
  /** Undefined: a single replica, always the leader. */
  readonly election: ElectionFactory | undefined;
  /** Starts the work; `term` aborts when the term ends. */
  readonly begin: (term: AbortSignal) => Promise<void>;
  /** Stops the work begun; resolves once it has stopped (nothing left in flight). */
  readonly end: () => Promise<void>;
  /** Where the leader gauge goes (ServiceMetrics of the service). */
  readonly metrics: ServiceMetrics;
  readonly logger: Logger;
  /** What the leader does, for the gauge's help and the logs ("anchors", "indexes"). */
  readonly work: string;
  /** Wait between attempts at a `begin` that failed. */
  readonly retryMs: number;
}

export interface LeaderTerms {
  readonly elector: LeaderElector;
  /** The elector's isLeader: this replica leads now (within its renew deadline). */
  readonly isLeader: boolean;
  /** Joins the election; without one, resolves once the work has begun (or throws why not). */
  start(): Promise<void>;
  /** Ends the term in progress (its work stops), then releases the lease. */
  close(): Promise<void>;
}

/** The metric names leaderTerms registers: a service that elects a leader lists them in its table. */
export const LEADER_METRICS = { leader: 'leader' } as const;

export function leaderTerms(options: LeaderTermsOptions): LeaderTerms {
  const { logger, work } = options;
  const gauge = options.metrics.gauge(
    LEADER_METRICS.leader,
    `1 when this replica ${work} (the elected leader), 0 on standby`,
  );
  gauge.set(0);
  /** Term changes run one after the other. */
  let changes: Promise<void> = Promise.resolve();
  let working = false;
  let first: Promise<void> | undefined;

  const begin = async (term: AbortSignal): Promise<void> => {
    for (let attempt = 1; !term.aborted; attempt++) {
      try {
        await options.begin(term);
        working = true;
        // The term may have ended meanwhile: end() follows and sets 0.
        gauge.set(1);
        logger.info({ identity: elector.identity }, `leading: this replica ${work}`);
        return;
      } catch (error) {
        if (options.election === undefined) throw error;
        logger.warn({ err: error, attempt }, `leading, but could not start; retrying`);
        await sleep(options.retryMs, undefined, { signal: term }).catch(() => undefined);
      }
    }
  };
  const end = async (): Promise<void> => {
    gauge.set(0);
    if (!working) return;
    working = false;
    await options.end();
    logger.warn({ identity: elector.identity }, `not leading: this replica stands by`);
  };

  const elector = (options.election ?? alwaysLeader)({
    onStartedLeading: (term) => {
      const begun = changes.then(() => begin(term));
      first ??= begun;
      // Under an election begin() retries and never throws; without one, the start throws it.
      changes = begun.catch(() => undefined);
    },
    onStoppedLeading: () => {
      gauge.set(0);
      changes = changes.then(end).catch((error: unknown) => {
        logger.error({ err: error }, 'could not stop the leader work cleanly');
      });
      return changes;
    },
    onError: (error) => {
      logger.warn({ err: error }, 'leader election: the lease could not be read or written');
    },
  });
  const close = async (): Promise<void> => {
    await elector.close();
    await changes;
  };
  return {
    elector,
    get isLeader() {
      return elector.isLeader;
    },
    async start() {
      elector.start();
      if (options.election !== undefined) return;
      try {
        await first;
      } catch (error) {
        await close();
        throw error;
      }
    },
    close,
  };
}
