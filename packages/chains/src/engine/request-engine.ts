/**
 * RequestEngine: the engine's tick over any kind of request a driver can send — an anchor, a
 * sponsored call. It owns the persisted record and every transition (tick-run.ts has the steps);
 * what a request asks the chain to do is the driver's. AnchorEngine is this engine for anchor
 * requests; the sponsor's transactions are the same engine with their own driver and store.
 *
 * The tick, one at a time: pass 1 follows sent requests in the order they were sent (so what they
 * hold — nonces, boxes — is known), pass 2 sends new ones, lowest sequence first, up to
 * `maxInFlight`, until sending is pointless for the tick (no funds, no anchor box).
 */
import type { AnchorTransition } from '../anchor-chain.ts';
import { AnchorState, transition } from '../anchor-request.ts';
import type { EngineRecord } from '../anchor-request.ts';
import type { RequestStore } from '../anchor-request-store.ts';
import type { ChainAnchor } from '../chain-reader.ts';
import { ChainError, ChainErrorCode } from '../chain-error.ts';
import type { AnchorDriver, DriverTick } from './anchor-driver.ts';
import { atLeast, sendOrder } from './anchor-policy.ts';
import { TickRun } from './tick-run.ts';
import type { TickRunContext } from './tick-run.ts';

export interface RequestEngineOptions<Tick extends DriverTick, Rec extends EngineRecord> {
  /** The key of this engine's requests in the store (a chain, or a chain and an account). */
  readonly id: string;
  readonly store: RequestStore<Rec>;
  readonly driver: AnchorDriver<Tick, Rec>;
  /** Confirmations (the block itself counts as one) before CONFIRMED; ≥ 1. */
  readonly confirmations: number;
  /** Confirmations before FINALIZED, when reorgs stop being watched; ≥ confirmations. */
  readonly finalityDepth: number;
  /** Requests SUBMITTED at once. Default 16. */
  readonly maxInFlight?: number;
  /** Clock, for tests. */
  readonly now?: () => Date;
  /** Whether what the driver found on chain under a record's sequence is what the record asks for. */
  readonly matchesOnChain: (record: Rec, found: ChainAnchor) => boolean;
}

const PAGE = 100;

export class RequestEngine<Tick extends DriverTick, Rec extends EngineRecord> {
  readonly id: string;
  readonly #context: TickRunContext<Tick, Rec>;
  readonly #maxInFlight: number;
  #ticking: Promise<AnchorTransition<Rec>[]> | undefined;

  constructor(options: RequestEngineOptions<Tick, Rec>) {
    this.id = options.id;
    const confirmations = atLeast(options.confirmations, 1, 'confirmations');
    this.#context = {
      chain: options.id,
      driver: options.driver,
      store: options.store,
      confirmations,
      finalityDepth: atLeast(options.finalityDepth, confirmations, 'finalityDepth'),
      now: options.now ?? (() => new Date()),
      matchesOnChain: options.matchesOnChain,
    };
    this.#maxInFlight = atLeast(options.maxInFlight ?? 16, 1, 'maxInFlight');
  }

  /** Stores a new PENDING record unless its sequence exists; returns what is stored either way. */
  protected create(record: Rec): Promise<Rec> {
    return this.#context.store.create(record);
  }

  /** The clock the engine's records are stamped with. */
  protected now(): Date {
    return this.#context.now();
  }

  status(sequence: number): Promise<Rec | undefined> {
    return this.#context.store.get(this.id, sequence);
  }

  async retry(sequence: number): Promise<Rec> {
    const { store, now } = this.#context;
    const record = await store.get(this.id, sequence);
    if (record === undefined)
      throw new ChainError(ChainErrorCode.NotFound, `no request for sequence ${sequence} on ${this.id}`);
    if (record.state !== AnchorState.Failed) return record;
    const next = transition(record, AnchorState.Pending, { failure: null, nonce: null, attempts: [] }, now());
    await store.update(next);
    return next;
  }

  /** Concurrent calls share one run: a tick never overlaps another. */
  tick(): Promise<AnchorTransition<Rec>[]> {
    this.#ticking ??= this.#tick().finally(() => {
      this.#ticking = undefined;
    });
    return this.#ticking;
  }

  async #tick(): Promise<AnchorTransition<Rec>[]> {
    const { driver } = this.#context;
    const run = new TickRun(this.#context, await driver.beginTick());
    // Pass 1: everything sent or included, so that what is in use (nonces, boxes) is known
    // before pass 2 sends anything new.
    const sent: Rec[] = [];
    for await (const record of this.#open()) if (record.state !== AnchorState.Pending) sent.push(record);
    let inFlight = 0;
    for (const record of sent.sort(sendOrder)) {
      const after = await run.advance(record, false);
      if (after.state === AnchorState.Submitted) inFlight++;
      if (after.state !== AnchorState.Pending) driver.holds(after, run.tick);
    }
    // Pass 2: new submissions, lowest sequence first, as long as there is room. Read afresh: a
    // request pass 1 sent back to PENDING goes out again in this tick.
    for await (const record of this.#open()) {
      if (record.state !== AnchorState.Pending) continue;
      if (inFlight >= this.#maxInFlight || run.stopSubmitting) break;
      const after = await run.advance(record, true);
      if (after.state === AnchorState.Submitted) inFlight++;
    }
    return run.transitions;
  }

  async *#open(): AsyncGenerator<Rec> {
    let afterSequence = -1;
    for (;;) {
      const page = await this.#context.store.listOpen(this.id, { afterSequence, limit: PAGE });
      yield* page;
      if (page.length < PAGE) return;
      afterSequence = page.at(-1)!.sequence;
    }
  }
}
