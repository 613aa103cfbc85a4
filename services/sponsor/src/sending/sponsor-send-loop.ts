/**
 * Drives one account's sending passes: one every interval, never two at once. A failing pass
 * (RPC unreachable, database down, not the leader any more) is logged and counted and the next
 * one waits longer, doubling up to a ceiling; the first good pass resets the wait. Every state
 * change of a transaction is logged and counted, as are settlements and reorg un-settlements.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { isChainError } from '@anchorpost/chains';
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
  readonly #failures: Counter;
  readonly #stop = new AbortController();
  #running: Promise<void> | undefined;
  #failuresInARow = 0;

  constructor(options: SponsorSendLoopOptions) {
    this.#options = options;
    const { metrics } = options;
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
    this.#failures = metrics.counter(
      SPONSOR_METRICS.sendPassFailuresTotal,
      'Sending passes that failed, by sponsor account and error code',
      ['account', 'code'],
    );
  }

  start(): void {
    this.#running ??= this.#loop();
  }

  /** Stops the loop and waits for the pass in progress (a pass is never cut in half). */
  async close(): Promise<void> {
    this.#stop.abort();
    await this.#running;
  }

  async #loop(): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      await this.#passOnce();
      try {
        await sleep(this.#delayMs(), undefined, { signal });
      } catch {
        return;
      }
    }
  }

  /** One pass; never throws (the loop must survive anything a pass can do). */
  async #passOnce(): Promise<void> {
    const { sender, logger } = this.#options;
    const account = sender.account;
    try {
      this.#report(await sender.pass());
      if (this.#failuresInARow > 0) logger.info({ account }, 'sponsor sending passes succeed again');
      this.#failuresInARow = 0;
    } catch (error) {
      this.#failuresInARow += 1;
      const code = isChainError(error) ? error.code : errorCode(error);
      this.#failures.inc({ account, code });
      logger.warn(
        { account, code, err: error, failuresInARow: this.#failuresInARow, retryInMs: this.#delayMs() },
        'sponsor sending pass failed; retrying',
      );
    }
  }

  #report(pass: SendPass): void {
    const { sender, logger } = this.#options;
    const account = sender.account;
    if (pass.settled > 0) this.#ledger.inc({ account, change: 'settled' }, pass.settled);
    if (pass.unsettled > 0) this.#ledger.inc({ account, change: 'unsettled' }, pass.unsettled);
    for (const change of pass.transitions) {
      const { record } = change;
      const moved = change.from !== change.to;
      if (moved) this.#transitions.inc({ account, to: change.to });
      logger[moved ? 'info' : 'debug'](
        {
          account,
          sequence: change.sequence,
          digest: record.digest,
          from: change.from,
          to: change.to,
          txHash: record.inclusion?.txHash ?? record.attempts.at(-1)?.txHash ?? null,
          ...(record.lastError === null ? {} : { lastError: record.lastError.code }),
          ...(record.failure === null ? {} : { failure: record.failure }),
        },
        'sponsored transaction transition',
      );
    }
  }

  #delayMs(): number {
    const { intervalMs, maxBackoffMs } = this.#options;
    if (this.#failuresInARow === 0) return intervalMs;
    return Math.min(Math.max(maxBackoffMs, intervalMs), intervalMs * 2 ** Math.min(this.#failuresInARow, 30));
  }
}

function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return 'INTERNAL';
}
