/**
 * One tick's work on one request at a time: the step each state takes, persisted before the
 * engine acts on it, and what the tick has learnt on the way (transitions made, whether sending
 * is still worth it). The chain-specific part of every step is the driver's.
 */
import type { AnchorTransition } from '../anchor-chain.ts';
import { AnchorState, transition } from '../anchor-request.ts';
import type {
  AnchorAttempt,
  AnchorInclusion,
  AnchorProblem,
  AnchorRecord,
  AnchorRecordChange,
  EngineRecord,
} from '../anchor-request.ts';
import type { RequestStore } from '../anchor-request-store.ts';
import type { ChainAnchor } from '../chain-reader.ts';
import { ChainError, ChainErrorCode } from '../chain-error.ts';
import type { AnchorDriver, DriverTick } from './anchor-driver.ts';
import { depth, endsTick, includedState, stopsSubmitting } from './anchor-policy.ts';

/** What a tick run needs from its engine. */
export interface TickRunContext<Tick extends DriverTick, Rec extends EngineRecord = AnchorRecord> {
  readonly chain: string;
  readonly driver: AnchorDriver<Tick, Rec>;
  readonly store: RequestStore<Rec>;
  /** Whether what the chain holds under the record's sequence is what the record asks for. */
  readonly matchesOnChain: (record: Rec, found: ChainAnchor) => boolean;
  readonly confirmations: number;
  readonly finalityDepth: number;
  readonly now: () => Date;
}

/** Steps one request may take in one tick (e.g. MINED → reorg → SUBMITTED → rebroadcast). */
const MAX_STEPS_PER_TICK = 4;

export class TickRun<Tick extends DriverTick, Rec extends EngineRecord = AnchorRecord> {
  readonly tick: Tick;
  readonly transitions: AnchorTransition<Rec>[] = [];
  /** Set when sending is pointless for the rest of this tick (no funds, no anchor box). */
  stopSubmitting = false;
  readonly #context: TickRunContext<Tick, Rec>;

  constructor(context: TickRunContext<Tick, Rec>, tick: Tick) {
    this.#context = context;
    this.tick = tick;
  }

  /** Takes as many steps as possible without waiting; records retryable problems on the request. */
  async advance(record: Rec, mayLeavePending: boolean): Promise<Rec> {
    let current = record;
    for (let step = 0; step < MAX_STEPS_PER_TICK; step++) {
      if (current.state === AnchorState.Pending && (!mayLeavePending || step > 0)) return current;
      let next: Rec;
      try {
        next = await this.#step(current);
      } catch (error) {
        if (endsTick(error)) throw error;
        return this.#noteProblem(current, error as ChainError);
      }
      if (next === current) return current;
      current = next;
    }
    return current;
  }

  #step(record: Rec): Promise<Rec> {
    switch (record.state) {
      case AnchorState.Pending:
        return this.#submit(record);
      case AnchorState.Submitted:
        return this.#followSubmitted(record);
      case AnchorState.Mined:
      case AnchorState.Confirmed:
        return this.#followIncluded(record);
      default:
        return Promise.resolve(record);
    }
  }

  // ---- PENDING ----

  /** Adopt what is on chain already; else sign, persist SUBMITTED, and only then broadcast. */
  async #submit(record: Rec): Promise<Rec> {
    const { driver } = this.#context;
    const found = await driver.findAnchor(record, this.tick);
    if (found !== undefined) return this.#adoptOrFail(record, found);
    if (this.stopSubmitting) return record;
    const signed = await driver.sign(record, this.tick);
    switch (signed.kind) {
      case 'wait':
        return record;
      case 'failed':
        return this.#move(record, AnchorState.Failed, {
          nonce: null,
          attempts: [],
          failure: this.#problem(signed.error),
        });
      case 'blocked':
        this.stopSubmitting = true;
        throw signed.error;
      case 'signed':
        break;
    }
    // Persisted before it leaves this process: after a crash the next run knows the transaction
    // (and its nonce) and broadcasts the very same one again.
    const submitted = await this.#move(record, AnchorState.Submitted, {
      nonce: signed.nonce,
      attempts: [signed.attempt],
      lastError: null,
    });
    const sent = await driver.broadcast(signed.attempt, 'first', this.tick);
    if (sent.kind === 'accepted') return submitted;
    if (sent.stopSubmitting === true) this.stopSubmitting = true;
    // The node refused it, so it is not in any mempool: forget it (and its nonce).
    return this.#backToPending(submitted, sent.error);
  }

  async #adoptOrFail(record: Rec, found: ChainAnchor): Promise<Rec> {
    if (!this.#context.matchesOnChain(record, found)) {
      const conflict = new ChainError(
        ChainErrorCode.Conflict,
        `sequence ${record.sequence} is anchored on ${this.#context.chain} with root ${found.root} and batch ${found.batchCid}`,
      );
      return this.#move(record, AnchorState.Failed, {
        nonce: null,
        attempts: [],
        failure: this.#problem(conflict),
      });
    }
    return this.#move(record, AnchorState.Mined, {
      inclusion: inclusionOf(found, true),
      confirmations: depth(this.tick.headNumber, found.blockNumber),
      nonce: null,
      attempts: [],
      lastError: null,
    });
  }

  // ---- SUBMITTED ----

  async #followSubmitted(record: Rec): Promise<Rec> {
    if (record.attempts.length === 0) {
      return this.#move(record, AnchorState.Pending, { nonce: null, attempts: [] });
    }
    const outcome = await this.#context.driver.follow(record, this.tick);
    switch (outcome.kind) {
      case 'waiting':
        return record;
      case 'included':
        return this.#move(record, AnchorState.Mined, {
          inclusion: inclusionOf(outcome.inclusion, false),
          confirmations: depth(this.tick.headNumber, outcome.inclusion.blockNumber),
          lastError: null,
        });
      case 'lost':
        return this.#backToPending(record, outcome.error);
      case 'replacement':
        return this.#replace(record, outcome.attempt);
    }
  }

  /** A replacement is persisted beside the attempts before it is sent, like a first one. */
  async #replace(record: Rec, attempt: AnchorAttempt): Promise<Rec> {
    const replacing = await this.#move(record, AnchorState.Submitted, {
      attempts: [...record.attempts, attempt],
      lastError: null,
    });
    const sent = await this.#context.driver.broadcast(attempt, 'replacement', this.tick);
    if (sent.kind === 'accepted') return replacing;
    // Refused: forget it, so the next tick tries again from the attempts that are out there.
    return this.#move(replacing, AnchorState.Submitted, {
      attempts: record.attempts,
      lastError: this.#problem(sent.error),
    });
  }

  // ---- MINED / CONFIRMED ----

  async #followIncluded(record: Rec): Promise<Rec> {
    const inclusion = record.inclusion;
    const hash =
      inclusion === null ? undefined : await this.#context.driver.blockHash(inclusion.blockNumber, this.tick);
    if (inclusion === null || hash !== inclusion.blockHash) {
      // Reorganized away. Our own transaction goes out again as it is; an adopted anchor is
      // looked up afresh.
      const back = record.attempts.length > 0 ? AnchorState.Submitted : AnchorState.Pending;
      const gone = new ChainError(
        ChainErrorCode.Reorganized,
        `block ${inclusion?.blockNumber ?? '?'} left the canonical chain`,
      );
      return this.#move(record, back, { inclusion: null, confirmations: 0, lastError: this.#problem(gone) });
    }
    const confirmations = depth(this.tick.headNumber, inclusion.blockNumber);
    const next = includedState(record.state, confirmations, this.#context);
    return next === record.state ? record : this.#move(record, next, { confirmations });
  }

  // ---- persistence ----

  /** Back to PENDING with the transaction (and nonce) given up: the next step starts afresh. */
  #backToPending(record: Rec, error: ChainError | undefined): Promise<Rec> {
    const change: AnchorRecordChange = { nonce: null, attempts: [] };
    return this.#move(
      record,
      AnchorState.Pending,
      error === undefined ? change : { ...change, lastError: this.#problem(error) },
    );
  }

  async #move(record: Rec, to: AnchorState, change: AnchorRecordChange): Promise<Rec> {
    const next = transition(record, to, change, this.#context.now());
    await this.#context.store.update(next);
    this.transitions.push({ sequence: next.sequence, from: record.state, to, record: next });
    return next;
  }

  /** Writes a retryable problem onto the stored record (only when it changes, to spare the store). */
  async #noteProblem(record: Rec, error: ChainError): Promise<Rec> {
    const { store, chain, now } = this.#context;
    const problem = this.#problem(error);
    const stored = (await store.get(chain, record.sequence)) ?? record;
    if (stored.lastError?.code === error.code && stored.lastError.message === error.message) return stored;
    const next = transition(stored, stored.state, { lastError: problem }, now());
    await store.update(next);
    return next;
  }

  /** Every problem written on a request passes here, so every one can stop submitting. */
  #problem(error: ChainError): AnchorProblem {
    if (stopsSubmitting(error)) this.stopSubmitting = true;
    return { code: error.code, message: error.message, at: this.#context.now().toISOString() };
  }
}

/** Exactly the fields an inclusion persists, whatever else the driver's answer carries. */
function inclusionOf(place: Omit<AnchorInclusion, 'adopted'>, adopted: boolean): AnchorInclusion {
  const { txHash, blockNumber, blockHash, blockTime, logIndex } = place;
  return { txHash, blockNumber, blockHash, blockTime, logIndex, adopted };
}
