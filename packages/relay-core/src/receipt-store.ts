/**
 * The receipt store port: where the relay keeps one signed receipt per accepted CID and how far
 * its publication got. `PostgresReceiptStore` (via @anchorpost/db, PostgreSQL or the embedded
 * PGlite) is the real one; `MemoryReceiptStore` is for unit tests. Both pass the contract in
 * `@anchorpost/relay-core/testing`.
 */
import type { RelayReceipt } from '@anchorpost/events';

/** signed: bytes stored and receipt signed, not yet known to be on the bus; published: it is. */
export type ReceiptState = 'signed' | 'published';

export interface BusPosition {
  partition: number;
  offset: number;
}

export interface StoredReceipt {
  receipt: RelayReceipt;
  state: ReceiptState;
  /** Where the accepted record went; null until published. */
  published: BusPosition | null;
  /**
   * The end of the recipient's partition read just before signing: the record, if it was ever
   * published, is at this offset or later, so a retry of a `signed` receipt looks there before
   * publishing again. Null for receipts stored without it.
   */
  busEndAtSign: BusPosition | null;
}

export interface ReceiptStore {
  /** A sequence number larger than every one handed out before by this store (gaps allowed). */
  nextSequence(): Promise<number>;
  /**
   * Stores the receipt in state `signed`, with `busEndAtSign`, unless its CID has one already.
   * Returns the stored receipt (the first one wins, with its own busEndAtSign) and whether this
   * call inserted it.
   */
  insert(
    receipt: RelayReceipt,
    busEndAtSign: BusPosition | null,
  ): Promise<{ stored: StoredReceipt; inserted: boolean }>;
  /** Marks the CID's receipt published at `position`; idempotent (the first position stays). */
  markPublished(cid: string, position: BusPosition): Promise<void>;
  get(cid: string): Promise<StoredReceipt | null>;
}
