/**
 * The receipt store port: where the relay keeps one signed receipt per accepted CID, and per
 * chain position (a second tx-file there is a fork), and how far its publication got. `PostgresReceiptStore` (via @anchorpost/db, PostgreSQL or the embedded
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

/**
 * Where a tx-file sits in its client's state chain within its group (the receipt's
 * `recipientHash`): its `client.id` and `state.before`. One CID per position: a client's next file
 * starts from its previous one's `state.after`, so two files at one position fork the chain.
 */
export interface ChainPosition {
  clientId: string;
  stateBefore: string;
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
  /** Null for receipts stored before positions were kept (they hold none). */
  chainPosition: ChainPosition | null;
  /** The tenant that submitted the file; null for receipts stored before it was kept. */
  tenantId: string | null;
}

/** One receipt to store with `insertMany`: the arguments of `insert`. */
export interface NewReceipt {
  receipt: RelayReceipt;
  busEndAtSign: BusPosition | null;
  chainPosition: ChainPosition;
  tenantId: string;
}

/** A chain position in the group of `recipientHash`, as `getAt` takes it. */
export interface GroupChainPosition {
  recipientHash: string;
  chainPosition: ChainPosition;
}

export interface ReceiptStore {
  /** A sequence number larger than every one handed out before by this store (gaps allowed). */
  nextSequence(): Promise<number>;
  /** `count` sequence numbers at once (one round trip), increasing, as `nextSequence` would give them. */
  nextSequences(count: number): Promise<number[]>;
  /**
   * `insert` for receipts of distinct CIDs at once: one transaction, results in the order given.
   * All or nothing: when it rejects, none of them is stored.
   */
  insertMany(receipts: readonly NewReceipt[]): Promise<{ stored: StoredReceipt; inserted: boolean }[]>;
  /** In one round trip, the receipts of these CIDs and those holding these positions (any order). */
  find(cids: readonly string[], positions: readonly GroupChainPosition[]): Promise<StoredReceipt[]>;
  /** `markPublished` for many receipts at once. */
  markPublishedMany(published: readonly { cid: string; position: BusPosition }[]): Promise<void>;
  /**
   * Stores the receipt in state `signed`, with `busEndAtSign`, at `chainPosition` in the group of
   * `receipt.recipientHash`, submitted by `tenantId`, unless its CID or that position has one already. Returns the receipt
   * that holds them (the first one wins, with its own busEndAtSign; another CID's receipt when
   * another tx-file holds the position, a fork) and whether this call inserted it.
   */
  insert(
    receipt: RelayReceipt,
    busEndAtSign: BusPosition | null,
    chainPosition: ChainPosition,
    tenantId: string,
  ): Promise<{ stored: StoredReceipt; inserted: boolean }>;
  /** The receipt holding `chainPosition` in the group of `recipientHash`, or null. */
  getAt(recipientHash: string, chainPosition: ChainPosition): Promise<StoredReceipt | null>;
  /** Marks the CID's receipt published at `position`; idempotent (the first position stays). */
  markPublished(cid: string, position: BusPosition): Promise<void>;
  get(cid: string): Promise<StoredReceipt | null>;
}
