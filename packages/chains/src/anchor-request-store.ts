import type { AnchorRecord } from './anchor-request.ts';

/**
 * Where anchor requests live between ticks and across restarts. Every state transition is
 * written here before the adapter acts on it, so a crash at any point resumes from the store.
 * Implementations: MemoryAnchorRequestStore (here), the database adapter (packages/db).
 */
export interface AnchorRequestStore {
  /** Stores `record` unless (chain, sequence) exists; returns what is stored either way. */
  create(record: AnchorRecord): Promise<AnchorRecord>;
  get(chain: string, sequence: number): Promise<AnchorRecord | undefined>;
  /**
   * Compare-and-swap: stores `record` only if the stored version is `record.version - 1`, else
   * throws ChainError STORE_CONFLICT (someone else wrote first) or NOT_FOUND.
   */
  update(record: AnchorRecord): Promise<void>;
  /** Open records (see OPEN_ANCHOR_STATES) of `chain` with sequence > `afterSequence`, ascending. */
  listOpen(chain: string, page: { afterSequence: number; limit: number }): Promise<AnchorRecord[]>;
}
