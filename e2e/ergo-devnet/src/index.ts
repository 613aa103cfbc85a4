/** @anchorpost/ergo-devnet — a TEST DOUBLE of an Ergo node's REST API, for tests and e2e only. */
export { ErgoDevnet, startErgoDevnet } from './ergo-devnet.ts';
export type { DevnetNetwork, ErgoDevnetOptions } from './ergo-devnet.ts';
