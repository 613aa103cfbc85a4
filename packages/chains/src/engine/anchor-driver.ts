/**
 * What the anchoring engine needs from one chain, and nothing more. The engine owns the persisted
 * request, its transitions and the tick; a driver knows how to talk to its chain: what it reads
 * once per tick, how it signs and sends, how it follows a sent transaction, and which block is
 * canonical at a height. A driver never writes to the store: it answers, and the engine persists.
 */
import type { AnchorAttempt, AnchorInclusion, AnchorRecord, EngineRecord } from '../anchor-request.ts';
import type { ChainAnchor } from '../chain-reader.ts';
import type { ChainError } from '../chain-error.ts';

/** What a driver reads at the start of a tick; it adds its own fields (tip, nonce, fees, caches). */
export interface DriverTick {
  /** The chain's height at the start of the tick: confirmations are counted against it. */
  readonly headNumber: number;
}

/** PENDING → the outcome of signing a request's transaction. */
export type SignOutcome =
  /** Signed; `nonce` is the account nonce it uses (null on chains without nonces). */
  | { readonly kind: 'signed'; readonly attempt: AnchorAttempt; readonly nonce: number | null }
  /** The chain refuses the request for a reason no retry can fix: FAILED. */
  | { readonly kind: 'failed'; readonly error: ChainError }
  /** Nothing to do this tick (e.g. anchored meanwhile by a race: adopted next tick). */
  | { readonly kind: 'wait' }
  /** Nothing can be sent this tick, for this request or any other (e.g. no anchor box). */
  | { readonly kind: 'blocked'; readonly error: ChainError };

/** The node's answer to a signed transaction. A transport failure (answer unknown) is thrown. */
export type BroadcastOutcome =
  /** In the node's mempool (or already known to it). */
  | { readonly kind: 'accepted' }
  /**
   * Refused: not in any mempool. `stopSubmitting` when the driver knows that nothing else can be
   * sent this tick either (insufficient funds always stops, whatever the driver says).
   */
  | { readonly kind: 'refused'; readonly error: ChainError; readonly stopSubmitting?: boolean };

/** SUBMITTED → what became of the transaction(s) sent for a request. */
export type FollowOutcome =
  /** Mined in a canonical block. */
  | { readonly kind: 'included'; readonly inclusion: Omit<AnchorInclusion, 'adopted'> }
  /** In flight, or not knowable yet: look again next tick. */
  | { readonly kind: 'waiting' }
  /** None of the attempts can ever be mined: back to PENDING (the error, if any, is noted). */
  | { readonly kind: 'lost'; readonly error?: ChainError }
  /** Not mined for too long: the engine persists `attempt` beside the others, then broadcasts it. */
  | { readonly kind: 'replacement'; readonly attempt: AnchorAttempt };

/** Whether a broadcast is a request's first transaction or a replacement of one in flight. */
export type BroadcastPurpose = 'first' | 'replacement';

export interface AnchorDriver<Tick extends DriverTick = DriverTick, Rec extends EngineRecord = AnchorRecord> {
  /** Reads what all requests of one tick share (head, account, fees), once. */
  beginTick(): Promise<Tick>;
  /**
   * Called for each request still sent or included after its steps of the first pass (in the
   * order they were sent), so that new transactions avoid what it holds (a nonce, a box).
   */
  holds(record: Rec, tick: Tick): void;
  /**
   * The anchor of `record.sequence` on the canonical chain, whoever put it there; always
   * undefined for requests that nothing but our own attempts can put on chain.
   */
  findAnchor(record: Rec, tick: Tick): Promise<ChainAnchor | undefined>;
  /** Builds and signs the request's transaction; sends nothing. */
  sign(record: Rec, tick: Tick): Promise<SignOutcome>;
  /**
   * Sends a signed transaction the engine has already persisted. For a 'first' one the driver
   * keeps its tick up to date (the next box, a nonce handed back). Throws when the answer is
   * unknown (the node could not be reached).
   */
  broadcast(attempt: AnchorAttempt, purpose: BroadcastPurpose, tick: Tick): Promise<BroadcastOutcome>;
  /**
   * Follows a SUBMITTED request (it has at least one attempt): looks for it in a block, sends it
   * again when the node does not know it. Throws a retryable ChainError for a problem to note.
   */
  follow(record: Rec, tick: Tick): Promise<FollowOutcome>;
  /** The canonical block's hash at `blockNumber` (lower-case, as inclusions store it), if any. */
  blockHash(blockNumber: number, tick: Tick): Promise<string | undefined>;
}
