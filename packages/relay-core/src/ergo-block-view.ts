/**
 * The relay's view of the Ergo chain (a port): enough to check the blocks a tx-file names in
 * `blockchain.lastblock` and `blockchain.trustedblock`. Adapters: ErgoNodeBlockView (an Ergo
 * node's REST API) and, for tests, MemoryErgoBlockView (`@anchorpost/relay-core/testing`). An
 * adapter that cannot answer throws RelayError ERGO_NODE_UNAVAILABLE (retryable): never a guess.
 */
export interface ErgoBlockView {
  /** The best chain's block (header) id at `height`, 64 lower-case hex; undefined above the tip. */
  blockIdAt(height: number): Promise<string | undefined>;
  /** The height of the best chain's newest full block. */
  tipHeight(): Promise<number>;
}
