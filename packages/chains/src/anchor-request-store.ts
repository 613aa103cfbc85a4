import type { AnchorRecord, EngineRecord } from './anchor-request.ts';

/**
 * Where anchor requests live between ticks and across restarts. Every state transition is
 * written here before the adapter acts on it, so a crash at any point resumes from the store.
 * Implementations: MemoryAnchorRequestStore (here), the database adapter (packages/db).
 */
export interface RequestStore<Rec extends EngineRecord> {
  /** Stores `record` unless (chain, sequence) exists; returns what is stored either way. */
  create(record: Rec): Promise<Rec>;
  get(chain: string, sequence: number): Promise<Rec | undefined>;
  /**
   * Compare-and-swap: stores `record` only if the stored version is `record.version - 1`, else
   * throws ChainError STORE_CONFLICT (someone else wrote first) or NOT_FOUND.
   */
  update(record: Rec): Promise<void>;
  /** Open records (see OPEN_ANCHOR_STATES) of `chain` with sequence > `afterSequence`, ascending. */
  listOpen(chain: string, page: { afterSequence: number; limit: number }): Promise<Rec[]>;
}

/** The anchorer's requests: the store every anchor engine uses. */
export type AnchorRequestStore = RequestStore<AnchorRecord>;
