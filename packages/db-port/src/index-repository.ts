/**
 * The index port: what the parser writes (from chains + IPFS alone, so it can always be rebuilt)
 * and the proof API reads. Its implementation, on Prisma, is `PrismaIndexRepository` in
 * @anchorpost/db.
 */
import type {
  AnchorRecord,
  BatchRecord,
  ChainCursorRecord,
  ChainKind,
  IndexDump,
  InclusionRecord,
  Page,
  ProofReadRecord,
  TxFileRecord,
} from './records.ts';

export interface IndexRepository {
  /**
   * Writes a batch and its entries (tx-file CIDs in batch order) in one transaction: either
   * all of it is indexed or nothing. The number of entries must equal `batch.count`.
   * UNIQUE_VIOLATION if the batch (cid, or platform + sequence) is already indexed.
   * Entries are inserted in chunks, so an iterable of a million CIDs is fine; an async one
   * keeps the transaction (and, on an embedded database, the only connection) open while
   * it is read. The batch's tree nodes from its tree level up are written with it.
   */
  recordBatch(batch: BatchRecord, entries: Iterable<string> | AsyncIterable<string>): Promise<void>;
  /** Writes tx-files and their senders in one transaction; ones already indexed are skipped. Returns how many were new. */
  recordTxFiles(rows: readonly TxFileRecord[]): Promise<number>;
  /** Inserts or replaces the anchor of a batch on a chain. FOREIGN_KEY_VIOLATION if the batch is not indexed. */
  recordAnchor(anchor: AnchorRecord): Promise<void>;
  getBatch(cid: string): Promise<BatchRecord | null>;
  /** One indexed tx-file with its senders; null if it is not indexed. */
  getTxFile(cid: string): Promise<TxFileRecord | null>;
  getBatchBySequence(platform: string, sequence: number): Promise<BatchRecord | null>;
  /** A batch's anchors, ordered by chain and chain id (empty when it has none or is not indexed). */
  getBatchAnchors(batchCid: string): Promise<AnchorRecord[]>;
  /**
   * The batch each tx-file was first sealed in (lowest sequence, as getProof), by tx-file CID;
   * CIDs in no indexed batch are left out.
   */
  firstBatchOf(txFileCids: readonly string[]): Promise<Map<string, string>>;
  /** The batch's tx-file CIDs in leaf order, read page by page (for Merkle paths). */
  batchEntries(batchCid: string, pageSize?: number): AsyncIterable<string>;
  /**
   * What a tx-file's proof needs from the index, in one round trip (one SQL statement): its
   * first batch (lowest sequence, as getProof), leaf index and anchors, its trustedblock, the
   * leaf's run of entries and the path's stored tree nodes. Null if it is in no indexed batch.
   */
  proofRead(txFileCid: string): Promise<ProofReadRecord | null>;
  /** Where a tx-file was sealed and anchored; null if it is in no indexed batch. */
  getProof(txFileCid: string): Promise<InclusionRecord | null>;
  /** Tx-files sent to a recipient, in batch order, keyset-paginated (limit 1…1000). */
  messagesByRecipient(
    recipientHash: string,
    cursor: string | null,
    limit: number,
  ): Promise<Page<TxFileRecord>>;
  getChainCursor(chain: ChainKind, chainId: string): Promise<ChainCursorRecord | null>;
  saveChainCursor(cursor: ChainCursorRecord): Promise<void>;
  /** Empties every index table (for a rebuild from chains + IPFS); the anchorer's requests stay. */
  truncateAll(): Promise<void>;
  /** Every index row in a fixed order, for comparing a rebuilt index with the original. Tests and small databases only. */
  dumpAll(): Promise<IndexDump>;
}
