/**
 * Sends the sponsor's ledger to the relay (the relay client's outbox, `drainTxFileOutbox` of
 * @anchorpost/relay-core): every interval, the records without a tx-file get one, chained on the
 * previous, stored, then sent in order until the relay has them all, under its own leader
 * election (one state chain, one writer). A failed pass is counted and retried; the same bytes go.
 */
import type { ElectionFactory, LeaderTerms } from '@anchorpost/leader-election';
import { drainTxFileOutbox } from '@anchorpost/relay-core';
import type { OutboxRelay, TxFileOutboxStore } from '@anchorpost/relay-core';
import type { Logger, ServiceMetrics } from '@anchorpost/service-kit';
import { periodicTerms } from '../periodic-terms.ts';
import { SPONSOR_METRICS } from '../sponsor-metrics.ts';

/** What marks a tx-file's message as a sponsor ledger record (its sealed header). */
export const SPONSOR_LEDGER_HEADER = 'anchorpost-sponsor-ledger/1';

export function ledgerAnchoringTerms(options: {
  readonly store: TxFileOutboxStore;
  readonly outbox: OutboxRelay;
  readonly intervalMs: number;
  readonly election: ElectionFactory | undefined;
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
}): LeaderTerms {
  const { store, outbox, metrics } = options;
  const logger = options.logger.child({ work: 'ledger' });
  const submitted = metrics.counter(
    SPONSOR_METRICS.ledgerRecordsSubmittedTotal,
    'Ledger records (lines and voids) the relay has taken as tx-files',
  );
  const failures = metrics.counter(
    SPONSOR_METRICS.ledgerSendFailuresTotal,
    'Passes sending the ledger to the relay that failed, by error code',
    ['code'],
  );
  const pass = async () => {
    try {
      const sent = await drainTxFileOutbox({ store, ...outbox, header: SPONSOR_LEDGER_HEADER });
      if (sent > 0) submitted.inc(sent);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      failures.inc({ code: typeof code === 'string' ? code : 'INTERNAL' });
      logger.warn({ err: error }, 'sending the ledger to the relay failed; retrying');
    }
  };
  return periodicTerms({
    work: 'sends the ledger to the relay',
    pass,
    intervalMs: options.intervalMs,
    election: options.election,
    logger,
    metrics,
  });
}
