/**
 * Drives one account's sending passes on the engine's TickLoop (one pass every interval, never two
 * at once, backing off after failures such as an unreachable RPC, the database down or lost
 * leadership). Every state change of a transaction is logged and counted, as are settlements and
 * reorg un-settlements.
 */
import { describeTransition, TickLoop } from '@anchorpost/chains';
import type { Logger, ServiceMetrics } from '@anchorpost/service-kit';
import type { SponsorAccountSender, SendPass } from './sponsor-account-sender.ts';
import { SPONSOR_METRICS } from '../sponsor-metrics.ts';

export interface SponsorSendLoopOptions {
  readonly sender: SponsorAccountSender;
  readonly intervalMs: number;
  readonly maxBackoffMs: number;
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
}

type Counter = ReturnType<ServiceMetrics['counter']>;

export class SponsorSendLoop {
  readonly #options: SponsorSendLoopOptions;
  readonly #transitions: Counter;
  readonly #ledger: Counter;
  readonly #loop: TickLoop;

  constructor(options: SponsorSendLoopOptions) {
    this.#options = options;
    const { metrics, sender, logger } = options;
    const account = sender.account;
    this.#transitions = metrics.counter(
      SPONSOR_METRICS.transactionTransitionsTotal,
      'Sponsored transaction state changes, by sponsor account and the state entered',
      ['account', 'to'],
    );
    this.#ledger = metrics.counter(
      SPONSOR_METRICS.ledgerChangesTotal,
      'Sponsorships settled from a receipt, and settled ones put back to sent by a reorg, by account',
      ['account', 'change'],
    );
    const failures = metrics.counter(
      SPONSOR_METRICS.sendPassFailuresTotal,
      'Sending passes that failed, by sponsor account and error code',
      ['account', 'code'],
    );
    this.#loop = new TickLoop({
      intervalMs: options.intervalMs,
      maxBackoffMs: options.maxBackoffMs,
      tick: async () => {
        this.#report(await sender.pass());
      },
      onRecovery: () => {
        logger.info({ account }, 'sponsor sending passes succeed again');
      },
      onFailure: ({ error, code, failuresInARow, retryInMs }) => {
        failures.inc({ account, code });
        logger.warn(
          { account, code, err: error, failuresInARow, retryInMs },
          'sponsor sending pass failed; retrying',
        );
      },
    });
  }

  start(): void {
    this.#loop.start();
  }

  /** Stops the loop and waits for the pass in progress (a pass is never cut in half). */
  close(): Promise<void> {
    return this.#loop.close();
  }

  #report(pass: SendPass): void {
    const { sender, logger } = this.#options;
    const account = sender.account;
    if (pass.settled > 0) this.#ledger.inc({ account, change: 'settled' }, pass.settled);
    if (pass.unsettled > 0) this.#ledger.inc({ account, change: 'unsettled' }, pass.unsettled);
    for (const change of pass.transitions) {
      const { moved, fields } = describeTransition(change);
      if (moved) this.#transitions.inc({ account, to: change.to });
      logger[moved ? 'info' : 'debug'](
        { account, digest: change.record.digest, ...fields },
        'sponsored transaction transition',
      );
    }
  }
}
