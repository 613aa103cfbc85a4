/**
 * What the index holds, in the protocol's words. Heights, sequences and indexes are safe
 * integers (the protocol guarantees it); times are RFC 3339 UTC with milliseconds; hashes and
 * roots are lower-case hex, as in the files they come from.
 */

export type ChainKind = 'evm' | 'ergo';

/**
 * pending: seen on chain, not yet at the trusted depth; confirmed: at or below it;
 * orphaned: its block left the canonical chain.
 */
export type AnchorStatus = 'pending' | 'confirmed' | 'orphaned';

/** A sealed batch-file's root block. */
export interface BatchRecord {
  cid: string;
  platform: string;
  sequence: number;
  previousCid: string | null;
  sealedAt: string;
  /** RFC 6962 root over the entries, 64 hex characters. */
  merkleRoot: string;
  count: number;
  /**
   * The root block's DAG-CBOR bytes (they hash to `cid`). Left out when the batch was indexed
   * before the index kept them; a rebuild fills them.
   */
  rootBlock?: Uint8Array;
}

/** The routing and state-chain fields of a tx-file (its ciphertexts stay in IPFS). */
export interface TxFileRecord {
  cid: string;
  /** Sequence of the batch the tx-file was first sealed in … */
  batchSequence: number;
  /** … and its index there: together the order in which messages are listed. */
  batchIndex: number;
  recipientHash: string;
  /** `sender[i].sha512hash` in file order. */
  senderHashes: string[];
  clientId: string;
  suite: string;
  stateBefore: string;
  stateAfter: string;
  /** Bytes of the tx-file. */
  size: number;
  lastblockHeight: number;
  trustedblockHeight: number;
  /**
   * The block id (64 hex) the tx-file names at `trustedblockHeight`; absent on rows indexed
   * before the index kept it (a rebuild fills it in).
   */
  trustedblockId?: string;
}

/** A batch root found on a chain; at most one per batch and chain. */
export interface AnchorRecord {
  chain: ChainKind;
  /** EVM chain id in decimal, or the Ergo network name. */
  chainId: string;
  batchCid: string;
  /** EVM anchor contract address or Ergo marker token id. */
  contract: string;
  sequence: number;
  /** The root as written on chain. */
  root: string;
  txHash: string;
  blockNumber: number;
  blockHash: string;
  blockTime: string;
  status: AnchorStatus;
}

/** How far the parser has read a chain. */
export interface ChainCursorRecord {
  chain: ChainKind;
  chainId: string;
  lastBlock: number;
  lastBlockHash: string;
}

export interface BatchEntryRecord {
  batchCid: string;
  index: number;
  txFileCid: string;
}

/** What the proof API needs from the index to build an inclusion proof for one tx-file. */
export interface InclusionRecord {
  txFileCid: string;
  /** The batch the tx-file was first sealed in (lowest sequence). */
  batch: BatchRecord;
  /** Its leaf index in that batch. */
  index: number;
  /** That batch's anchors, ordered by chain and chain id. */
  anchors: AnchorRecord[];
  /**
   * The level from which the batch's tree nodes are stored (see `proofRead`); absent for a batch
   * indexed before the index kept them, whose proofs read every entry.
   */
  treeLevel?: number;
}

/** One stored node of a batch's Merkle tree: MTH of entries [index·2^level, min((index+1)·2^level, count)). */
export interface BatchTreeNodeRecord {
  batchCid: string;
  level: number;
  index: number;
  /** 64 lower-case hex characters. */
  hash: string;
}

/** One stored tree node on a proof's path (`hash`: 64 lower-case hex characters). */
export interface ProofNode {
  level: number;
  index: number;
  hash: string;
}

/**
 * Everything the index holds for one tx-file's proof, as `proofRead` reads it in one statement:
 * where it was sealed and anchored (an InclusionRecord), its `trustedblock`, and — for a batch
 * with stored tree nodes — the leaf's run of 2^treeLevel entries and the path's nodes.
 */
export interface ProofReadRecord extends InclusionRecord {
  /** The tx-file's trustedblock; null without a tx_file row or (older rows) without its id. */
  trustedblock: { height: number; blockId: string } | null;
  /**
   * Entries [runStart, min(runStart + 2^treeLevel, count)) in leaf order, where runStart is the
   * leaf index rounded down to a multiple of 2^treeLevel; empty when treeLevel is absent.
   */
  run: string[];
  /**
   * For each level from treeLevel up, the stored sibling of the leaf's ancestor at that level
   * (node `(index >> level) ^ 1`) when it holds any entry, by level; nodes not stored are left
   * out. Empty when treeLevel is absent.
   */
  nodes: ProofNode[];
}

/** One page of a keyset-paginated listing; pass `nextCursor` back for the next page. */
export interface Page<T> {
  items: T[];
  /** Null on the last page. */
  nextCursor: string | null;
}

/** Every index row in a fixed order: two dumps are equal exactly when the indexes are. */
export interface IndexDump {
  batches: BatchRecord[];
  batchEntries: BatchEntryRecord[];
  batchTreeNodes: BatchTreeNodeRecord[];
  txFiles: TxFileRecord[];
  anchors: AnchorRecord[];
  chainCursors: ChainCursorRecord[];
}
