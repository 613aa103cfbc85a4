/** @anchorpost/ergo-devnet — a TEST DOUBLE of an Ergo node's REST API, for tests and e2e only. */
export { ErgoDevnet, startErgoDevnet } from './ergo-devnet.ts';
export type { ErgoDevnetOptions } from './ergo-devnet.ts';
export { FEE_ERGO_TREE, NodeError } from './ledger.ts';
export type { BoxJson, DevnetNetwork } from './ledger.ts';
export { FOLLOWS_NODE_VERSION, TEST_DOUBLE_NAME } from './node-api.ts';
export type { IndexOrder } from './node-api.ts';
export { buildHeader, headerId, merkleRoot, transactionsRoot } from './block-header.ts';
export type { HeaderJson } from './block-header.ts';
export { spawnErgoDevnet } from './spawn-devnet.ts';
export type { SpawnedErgoDevnet } from './spawn-devnet.ts';
