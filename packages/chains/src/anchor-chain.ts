import type { AnchorRecord, AnchorRequest, AnchorState, EngineRecord } from './anchor-request.ts';
import type { ChainReader } from './chain-reader.ts';

/** One state change made by `tick()`, for the driver to log and publish. */
export interface AnchorTransition<Rec extends EngineRecord = AnchorRecord> {
  readonly sequence: number;
  readonly from: AnchorState;
  readonly to: AnchorState;
  readonly record: Rec;
}

/**
 * The chain port of the anchorer: put batch roots on one chain, exactly once per sequence, and
 * follow each request until it is final. The work happens in `tick()`, which a driver loop calls;
 * every step is persisted in an AnchorRequestStore first, so a new instance on the same store
 * carries on where a crashed one stopped.
 */
export interface AnchorChain extends ChainReader {
  /**
   * Records the request (PENDING) and returns its record; idempotent for the same request.
   * Throws ChainError INVALID_REQUEST, or CONFLICT when the sequence is stored with another root/CID.
   */
  anchor(request: AnchorRequest): Promise<AnchorRecord>;
  status(sequence: number): Promise<AnchorRecord | undefined>;
  /**
   * Advances every open request as far as it can go without waiting (each step persisted first);
   * returns the transitions made, for the driver to log and publish. Concurrent calls share one
   * run. Throws on connectivity loss (ChainError UNAVAILABLE) or a store conflict; problems of a
   * single request are recorded on it (`lastError`) and retried on the next tick.
   */
  tick(): Promise<AnchorTransition[]>;
  /** Operator action: puts a FAILED request back to PENDING (e.g. after authorizing the key). */
  retry(sequence: number): Promise<AnchorRecord>;
}
