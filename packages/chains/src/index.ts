/**
 * @anchorpost/chains — the chain port of Anchorpost: put batch roots on chains exactly once and
 * follow them to finality (AnchorChain), and read anchors back (ChainReader). Chain-neutral types
 * here, and the anchoring engine (./engine) that every chain's AnchorChain runs on; drivers and
 * readers under ./evm and ./ergo.
 */
export * from './chain-error.ts';
export * from './anchor-request.ts';
export type { AnchorRequestStore, RequestStore } from './anchor-request-store.ts';
export { MemoryAnchorRequestStore } from './memory-anchor-request-store.ts';
export { RowRequestStore } from './row-request-store.ts';
export type {
  RequestRows,
  RequestRowState,
  RequestRowWrite,
  RowRequestStoreOptions,
} from './row-request-store.ts';
export type { ChainAnchor, ChainAnchorPage, ChainHead, ChainReader } from './chain-reader.ts';
export type { AnchorChain, AnchorTransition } from './anchor-chain.ts';
export * from './engine/index.ts';
export * from './evm/index.ts';
export * from './ergo/index.ts';
