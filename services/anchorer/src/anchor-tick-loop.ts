/**
 * The anchorer's driver of AnchorChain.tick(), on the engine's PassLoop (one tick every interval,
 * never two at once, backing off after failures; every transition and failure logged and
 * counted). Besides, the open requests per state are a gauge. Each line and count is labelled
 * with the chain (one loop per chain shares the metrics).
 */
import { OPEN_ANCHOR_STATES, PassLoop } from '@anchorpost/chains';
import type { AnchorChain, AnchorRecord, AnchorRequestStore, AnchorState } from '@anchorpost/chains';
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

type Gauge = ReturnType<ServiceMetrics['gauge']>;

export class AnchorTickLoop {
  readonly #options: AnchorTickLoopOptions;
  readonly #open: Gauge;
  readonly #loop: PassLoop<AnchorRecord>;

  constructor(options: AnchorTickLoopOptions) {
    this.#options = options;
    const { chain, logger, metrics } = options;
    this.#open = metrics.gauge(
      ANCHORER_METRICS.openRequests,
      'Anchor requests not yet at rest, by chain and state',
      ['chain', 'state'],
    );
    this.#loop = new PassLoop({
      pass: () => chain.tick(),
      subject: { label: 'chain', value: chain.id },
      intervalMs: options.intervalMs,
      maxBackoffMs: options.maxBackoffMs,
      logger,
      transitions: metrics.counter(
        ANCHORER_METRICS.transitionsTotal,
        'Anchor request state changes, by chain and the state entered',
        ['chain', 'to'],
      ),
      failures: metrics.counter(
        ANCHORER_METRICS.tickFailuresTotal,
        'Ticks that failed, by chain and error code',
        ['chain', 'code'],
      ),
      messages: {
        transition: 'anchor request transition',
        failed: 'anchor tick failed; retrying',
        recovered: 'anchor ticks succeed again',
      },
      afterPass: () => this.#countOpen(),
    });
  }

  start(): void {
    this.#loop.start();
  }

  /** Stops the loop and waits for the tick in progress (a tick is never cut in half). */
  close(): Promise<void> {
    return this.#loop.close();
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
}
