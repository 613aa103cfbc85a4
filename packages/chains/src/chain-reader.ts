/** The read side of a chain: what the parser needs. No keys, no store. */

/** An anchor found on chain, as the chain's canonical history shows it now. */
export interface ChainAnchor {
  readonly sequence: number;
  /** Merkle root, 64 lower-case hex (the protocol's form, no 0x). */
  readonly root: string;
  readonly batchCid: string;
  /** Who put it there (EVM: the submitting account), lower-case. */
  readonly submitter: string;
  readonly txHash: string;
  readonly blockNumber: number;
  readonly blockHash: string;
  /** RFC 3339 UTC. */
  readonly blockTime: string;
  /** Position within the block, for a total order of anchors. */
  readonly logIndex: number;
}

export interface ChainHead {
  readonly number: number;
  readonly hash: string;
  readonly time: string;
}

/** The anchors of one block range [fromBlock, toBlock], in chain order; the range is fully read. */
export interface ChainAnchorPage {
  readonly fromBlock: number;
  readonly toBlock: number;
  readonly anchors: readonly ChainAnchor[];
}

export interface ChainReader {
  /** Stable id of the chain, e.g. `evm:31337`; used as the key in stores and proofs. */
  readonly id: string;
  head(): Promise<ChainHead>;
  /**
   * How many blocks, counting the block itself, sit on top of `blockNumber` (0 if it is above the
   * head). With `blockHash`, 0 also when that block is no longer canonical.
   */
  confirmations(blockNumber: number, blockHash?: string): Promise<number>;
  /**
   * Anchors in [fromBlock, min(toBlock, head)], page by page (block ranges of bounded size) so a
   * long range never sits in memory at once. Only anchors of the configured anchor contract (or
   * marker) count; anything else that looks like one is ignored.
   */
  readAnchors(fromBlock: number, toBlock: number): AsyncIterable<ChainAnchorPage>;
}
