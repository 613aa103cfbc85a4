/**
 * The relay's receipt port: one signed receipt per accepted tx-file CID, with the state of its
 * publication on the bus, and one receipt per chain position. Its implementation, on Prisma, is
 * `PrismaReceiptRepository` in @anchorpost/db.
 */
/** signed: bytes stored and receipt signed; published: the bus record is durable. */
export type RelayReceiptState = 'signed' | 'published';

export interface RelayReceiptRecord {
  cid: string;
  sequence: number;
  /** 128 hex: the tx-file's `recipient.sha512hash`. */
  recipientHash: string;
  /** RFC 3339 UTC with milliseconds. */
  acceptedAt: string;
  relayKeyId: string;
  signature: string;
  state: RelayReceiptState;
  /** Where the bus put the accepted record; null until published. */
  busPartition: number | null;
  busOffset: number | null;
  /**
   * The end offset of the recipient's partition read just before signing (both null for receipts
   * stored without it): a retry of a receipt still `signed` looks for its record from there.
   */
  busEndPartition: number | null;
  busEndOffset: number | null;
  /**
   * The tx-file's `client.id` and `state.before`: with `recipientHash`, its position in the
   * client's state chain within the group. Null for receipts stored before they were kept.
   */
  clientId: string | null;
  stateBefore: string | null;
  /** The tenant that submitted the tx-file; null for receipts stored before it was kept. */
  tenantId: string | null;
}

/** Where a tx-file sits in its client's state chain within a group: one receipt at most. */
export interface ChainPositionKey {
  recipientHash: string;
  clientId: string;
  stateBefore: string;
}

/** The bus end and the chain position are each given whole or not at all (then null). */
export type NewRelayReceipt = Omit<
  RelayReceiptRecord,
  | 'state'
  | 'busPartition'
  | 'busOffset'
  | 'busEndPartition'
  | 'busEndOffset'
  | 'clientId'
  | 'stateBefore'
  | 'tenantId'
> &
  Partial<
    Pick<RelayReceiptRecord, 'busEndPartition' | 'busEndOffset' | 'clientId' | 'stateBefore' | 'tenantId'>
  >;

/** Where `markPublishedMany` records one receipt's bus record. */
export interface PublishedReceipt {
  cid: string;
  partition: number;
  offset: number;
}

export interface ReceiptRepository {
  /** A new relay sequence number, larger than every one handed out before (gaps are possible). */
  nextSequence(): Promise<number>;
  /**
   * `count` new sequence numbers in one round trip, increasing, each larger than every one handed
   * out before by this process (another process's may interleave; gaps are possible).
   */
  nextSequences(count: number): Promise<number[]>;
  /**
   * Stores the receipt in state `signed` unless its CID or its chain position already has one;
   * returns the receipt that holds them (the first writer wins: another CID's when the position
   * was taken by another tx-file, a fork) and whether this call inserted it.
   */
  insertReceipt(receipt: NewRelayReceipt): Promise<{ record: RelayReceiptRecord; inserted: boolean }>;
  /**
   * `insertReceipt` for many receipts in one statement (one transaction): each result, in the
   * order given, as `insertReceipt` would answer it. All or nothing: a failure writes no row.
   */
  insertReceipts(
    receipts: readonly NewRelayReceipt[],
  ): Promise<{ record: RelayReceiptRecord; inserted: boolean }[]>;
  /** The receipt holding this chain position, or null. */
  getReceiptAt(position: ChainPositionKey): Promise<RelayReceiptRecord | null>;
  /**
   * In one round trip, every receipt whose CID is one of `cids` or that holds one of `positions`
   * (in no particular order).
   */
  findReceipts(
    cids: readonly string[],
    positions: readonly ChainPositionKey[],
  ): Promise<RelayReceiptRecord[]>;
  /** Moves the receipt to `published` with its bus position; a second call keeps the first position. NOT_FOUND without a receipt. */
  markPublished(cid: string, position: { partition: number; offset: number }): Promise<void>;
  /** `markPublished` for many receipts in one statement; NOT_FOUND (and nothing changed) if one has no receipt. */
  markPublishedMany(published: readonly PublishedReceipt[]): Promise<void>;
  getReceipt(cid: string): Promise<RelayReceiptRecord | null>;
}
