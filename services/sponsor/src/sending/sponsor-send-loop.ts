/**
 * Drives one account's sending passes on the engine's PassLoop (one pass every interval, never
 * two at once, backing off after failures such as an unreachable RPC, the database down or lost
 * leadership; every state change of a transaction and every failure logged and counted).
 * Besides, settlements and reorg un-settlements are counted.
 */
import { PassLoop } from '@anchorpost/chains';
import type { Logger, ServiceMetrics } from '@anchorpost/service-kit';
import type { SponsorTransactionRecord } from '@anchorpost/sponsor-contracts';
import type { SponsorAccountSender } from './sponsor-account-sender.ts';
import { SPONSOR_METRICS } from '../sponsor-metrics.ts';

export interface SponsorSendLoopOptions {
  readonly sender: SponsorAccountSender;
  readonly intervalMs: number;
  readonly maxBackoffMs: number;
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
}

export class SponsorSendLoop {
  readonly #loop: PassLoop<SponsorTransactionRecord>;

  constructor(options: SponsorSendLoopOptions) {
    const { metrics, sender, logger } = options;
    const account = sender.account;
    const ledger = metrics.counter(
      SPONSOR_METRICS.ledgerChangesTotal,
      'Sponsorships settled from a receipt, and settled ones put back to sent by a reorg, by account',
      ['account', 'change'],
    );
    this.#loop = new PassLoop({
      pass: async () => {
        const pass = await sender.pass();
        if (pass.settled > 0) ledger.inc({ account, change: 'settled' }, pass.settled);
        if (pass.unsettled > 0) ledger.inc({ account, change: 'unsettled' }, pass.unsettled);
        return pass.transitions;
      },
      subject: { label: 'account', value: account },
      intervalMs: options.intervalMs,
      maxBackoffMs: options.maxBackoffMs,
      logger,
      transitions: metrics.counter(
        SPONSOR_METRICS.transactionTransitionsTotal,
        'Sponsored transaction state changes, by sponsor account and the state entered',
        ['account', 'to'],
      ),
      failures: metrics.counter(
        SPONSOR_METRICS.sendPassFailuresTotal,
        'Sending passes that failed, by sponsor account and error code',
        ['account', 'code'],
      ),
      messages: {
        transition: 'sponsored transaction transition',
        failed: 'sponsor sending pass failed; retrying',
        recovered: 'sponsor sending passes succeed again',
      },
      transitionFields: (record) => ({ digest: record.digest }),
    });
  }

  start(): void {
    this.#loop.start();
  }

  /** Stops the loop and waits for the pass in progress (a pass is never cut in half). */
  close(): Promise<void> {
    return this.#loop.close();
  }
}
