/**
 * The driver of AnchorChain.tick(): one tick every interval, never two at once. A failing tick
 * (RPC unreachable, database down, a store conflict) is logged and the next one waits longer,
 * doubling up to a ceiling, so an outage is not hammered; the first good tick resets the wait.
 * Every transition is logged and counted, and the open requests per state are a gauge, each
 * labelled with the chain (one loop per chain shares the metrics).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { OPEN_ANCHOR_STATES, isChainError } from '@anchorpost/chains';
import type { AnchorChain, AnchorRequestStore, AnchorState, AnchorTransition } from '@anchorpost/chains';
import type { Logger, ServiceMetrics } from '@anchorpost/service-kit';
import { ANCHORER_METRICS } from './anchorer-metrics.ts';

export interface AnchorTickLoopOptions {
  readonly chain: AnchorChain;
  /** The chain's store, to count open requests per state. */
  readonly store: AnchorRequestStore;
  readonly intervalMs: number;
  readonly maxBackoffMs: number;
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
}

const OPEN_PAGE = 500;

type Counter = ReturnType<ServiceMetrics['counter']>;
type Gauge = ReturnType<ServiceMetrics['gauge']>;

export class AnchorTickLoop {
  readonly #options: AnchorTickLoopOptions;
  readonly #transitions: Counter;
  readonly #open: Gauge;
  readonly #failures: Counter;
  readonly #stop = new AbortController();
  #running: Promise<void> | undefined;
  #failuresInARow = 0;

  constructor(options: AnchorTickLoopOptions) {
    this.#options = options;
    this.#transitions = options.metrics.counter(
      ANCHORER_METRICS.transitionsTotal,
      'Anchor request state changes, by chain and the state entered',
      ['chain', 'to'],
    );
    this.#open = options.metrics.gauge(
      ANCHORER_METRICS.openRequests,
      'Anchor requests not yet at rest, by chain and state',
      ['chain', 'state'],
    );
    this.#failures = options.metrics.counter(
      ANCHORER_METRICS.tickFailuresTotal,
      'Ticks that failed, by chain and error code',
      ['chain', 'code'],
    );
  }

  start(): void {
    this.#running ??= this.#loop();
  }

  /** Stops the loop and waits for the tick in progress (a tick is never cut in half). */
  async close(): Promise<void> {
    this.#stop.abort();
    await this.#running;
  }

  async #loop(): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      await this.#tickOnce();
      try {
        await sleep(this.#delayMs(), undefined, { signal });
      } catch {
        return;
      }
    }
  }

  /** One tick; never throws (the loop must survive anything a tick can do). */
  async #tickOnce(): Promise<void> {
    const { chain, logger } = this.#options;
    try {
      const transitions = await chain.tick();
      for (const change of transitions) this.#report(change);
      if (this.#failuresInARow > 0) logger.info({ chain: chain.id }, 'anchor ticks succeed again');
      this.#failuresInARow = 0;
    } catch (error) {
      this.#failuresInARow += 1;
      const code = isChainError(error) ? error.code : errorCode(error);
      this.#failures.inc({ chain: chain.id, code });
      logger.warn(
        {
          chain: chain.id,
          code,
          err: error,
          failuresInARow: this.#failuresInARow,
          retryInMs: this.#delayMs(),
        },
        'anchor tick failed; retrying',
      );
    }
    await this.#countOpen();
  }

  #report(change: AnchorTransition): void {
    const { record } = change;
    const txHash = record.inclusion?.txHash ?? record.attempts.at(-1)?.txHash ?? null;
    // Same-state steps (a fee bump, more confirmations) are logged but not counted as transitions.
    const moved = change.from !== change.to;
    if (moved) this.#transitions.inc({ chain: record.chain, to: change.to });
    this.#options.logger[moved ? 'info' : 'debug'](
      {
        chain: record.chain,
        sequence: change.sequence,
        from: change.from,
        to: change.to,
        txHash,
        ...(record.lastError === null ? {} : { lastError: record.lastError.code }),
        ...(record.failure === null ? {} : { failure: record.failure }),
      },
      'anchor request transition',
    );
  }

  async #countOpen(): Promise<void> {
    const { chain, store } = this.#options;
    const counts = new Map<AnchorState, number>(OPEN_ANCHOR_STATES.map((state) => [state, 0]));
    try {
      let afterSequence = -1;
      for (;;) {
        const page = await store.listOpen(chain.id, { afterSequence, limit: OPEN_PAGE });
        for (const record of page) counts.set(record.state, (counts.get(record.state) ?? 0) + 1);
        const last = page.at(-1);
        if (last === undefined || page.length < OPEN_PAGE) break;
        afterSequence = last.sequence;
      }
    } catch {
      // The tick has already reported the outage; the gauge keeps its last values.
      return;
    }
    for (const [state, count] of counts) this.#open.set({ chain: chain.id, state }, count);
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
