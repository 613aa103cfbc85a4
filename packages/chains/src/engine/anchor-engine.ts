/**
 * AnchorEngine: the AnchorChain port on any chain, given that chain's reader and driver.
 *
 * Each request runs through the state machine of anchor-request.ts, one persisted step at a time
 * (tick-run.ts has the steps):
 * - PENDING: ask the chain first: already anchored with our request → adopt (MINED); with another
 *   root or batch → FAILED. Otherwise the driver signs, the engine persists SUBMITTED with the
 *   signed transaction, and only then the driver broadcasts. A transaction the node refuses is
 *   forgotten (PENDING): it is in no mempool.
 * - SUBMITTED: the driver follows it: in a block → MINED; in flight → wait; unknown to the node →
 *   sent again; can never be mined → PENDING; stuck → a replacement, persisted, then sent.
 * - MINED / CONFIRMED: its block must stay canonical; if not, back to SUBMITTED (our transaction
 *   goes out again) or PENDING (an adopted anchor). ≥ `confirmations` → CONFIRMED;
 *   ≥ `finalityDepth` → FINALIZED, no longer watched.
 * The chain itself refuses a second anchor for a sequence (the EVM contract, the single Ergo
 * marker), so whatever happens the batch is on chain once; the engine's job is to get it there
 * and to notice when it is gone. One writer per chain account (the anchorer is a leader-elected
 * singleton); the store's compare-and-swap stops a second writer that slipped through.
 */
import type { AnchorChain, AnchorTransition } from '../anchor-chain.ts';
import { AnchorState, checkAnchorRequest, newAnchorRecord, transition } from '../anchor-request.ts';
import type { AnchorRecord, AnchorRequest } from '../anchor-request.ts';
import type { AnchorRequestStore } from '../anchor-request-store.ts';
import type { ChainAnchorPage, ChainHead, ChainReader } from '../chain-reader.ts';
import { ChainError, ChainErrorCode } from '../chain-error.ts';
import type { AnchorDriver, DriverTick } from './anchor-driver.ts';
import { atLeast, sendOrder } from './anchor-policy.ts';
import { TickRun } from './tick-run.ts';
import type { TickRunContext } from './tick-run.ts';

/** What every chain's AnchorChain takes, whatever the chain. */
export interface AnchorEngineSettings {
  readonly store: AnchorRequestStore;
  /** Confirmations (the block itself counts as one) before CONFIRMED; ≥ 1. */
  readonly confirmations?: number;
  /** Confirmations before FINALIZED, when reorgs stop being watched; ≥ confirmations. */
  readonly finalityDepth?: number;
  /** Requests SUBMITTED at once. Default 16. */
  readonly maxInFlight?: number;
  /** Clock, for tests. */
  readonly now?: () => Date;
}

export interface AnchorEngineOptions<
  Tick extends DriverTick,
  Reader extends ChainReader = ChainReader,
> extends AnchorEngineSettings {
  /** The chain's read side; its `id` keys the requests in the store. */
  readonly reader: Reader;
  readonly driver: AnchorDriver<Tick>;
  /** The chain's defaults; the finality depth is raised to the confirmations when below. */
  readonly defaults: { readonly confirmations: number; readonly finalityDepth: number };
}

const PAGE = 100;

export class AnchorEngine<
  Tick extends DriverTick = DriverTick,
  Reader extends ChainReader = ChainReader,
> implements AnchorChain {
  readonly id: string;
  /** The chain's read side (keyless), for what the port does not cover. */
  readonly reader: Reader;
  readonly #context: TickRunContext<Tick>;
  readonly #maxInFlight: number;
  #ticking: Promise<AnchorTransition[]> | undefined;

  constructor(options: AnchorEngineOptions<Tick, Reader>) {
    this.reader = options.reader;
    this.id = options.reader.id;
    const { defaults } = options;
    const confirmations = atLeast(options.confirmations ?? defaults.confirmations, 1, 'confirmations');
    const finalityDepth = options.finalityDepth ?? Math.max(defaults.finalityDepth, confirmations);
    this.#context = {
      chain: this.id,
      driver: options.driver,
      store: options.store,
      confirmations,
      finalityDepth: atLeast(finalityDepth, confirmations, 'finalityDepth'),
      now: options.now ?? (() => new Date()),
    };
    this.#maxInFlight = atLeast(options.maxInFlight ?? 16, 1, 'maxInFlight');
  }

  head(): Promise<ChainHead> {
    return this.reader.head();
  }

  confirmations(blockNumber: number, blockHash?: string): Promise<number> {
    return this.reader.confirmations(blockNumber, blockHash);
  }

  readAnchors(fromBlock: number, toBlock: number): AsyncIterable<ChainAnchorPage> {
    return this.reader.readAnchors(fromBlock, toBlock);
  }

  async anchor(request: AnchorRequest): Promise<AnchorRecord> {
    const checked = checkAnchorRequest(request);
    const { store, now } = this.#context;
    const stored = await store.create(newAnchorRecord(this.id, checked, now()));
    if (stored.root !== checked.root || stored.batchCid !== checked.batchCid) {
      throw new ChainError(
        ChainErrorCode.Conflict,
        `sequence ${checked.sequence} is already requested with root ${stored.root} and batch ${stored.batchCid}`,
      );
    }
    return stored;
  }

  status(sequence: number): Promise<AnchorRecord | undefined> {
    return this.#context.store.get(this.id, sequence);
  }

  async retry(sequence: number): Promise<AnchorRecord> {
    const { store, now } = this.#context;
    const record = await store.get(this.id, sequence);
    if (record === undefined)
      throw new ChainError(ChainErrorCode.NotFound, `no anchor request for sequence ${sequence}`);
    if (record.state !== AnchorState.Failed) return record;
    const next = transition(record, AnchorState.Pending, { failure: null, nonce: null, attempts: [] }, now());
    await store.update(next);
    return next;
  }

  /** Concurrent calls share one run: a tick never overlaps another. */
  tick(): Promise<AnchorTransition[]> {
    this.#ticking ??= this.#tick().finally(() => {
      this.#ticking = undefined;
    });
    return this.#ticking;
  }

  async #tick(): Promise<AnchorTransition[]> {
    const { driver } = this.#context;
    const run = new TickRun(this.#context, await driver.beginTick());
    // Pass 1: everything sent or included, so that what is in use (nonces, boxes) is known
    // before pass 2 sends anything new.
    const sent: AnchorRecord[] = [];
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

  async *#open(): AsyncGenerator<AnchorRecord> {
    let afterSequence = -1;
    for (;;) {
      const page = await this.#context.store.listOpen(this.id, { afterSequence, limit: PAGE });
      yield* page;
      if (page.length < PAGE) return;
      afterSequence = page.at(-1)!.sequence;
    }
  }
}
