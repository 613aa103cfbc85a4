/**
 * @anchorpost/chains/readers — what reads chains over `fetch` alone: the JSON-RPC pool, the Ergo
 * node client, the anchor log and anchor box decoders and the chain port's errors. No ethers, no
 * ergo-lib and no Node built-in is reachable from here, so the proof verifier runs in browsers.
 */
export { ChainError, ChainErrorCode, isChainError } from './chain-error.ts';
export { JsonRpcPool } from './evm/json-rpc-pool.ts';
export type { RpcLog } from './evm/rpc-types.ts';
export { ErgoNodeClient } from './ergo/ergo-node-client.ts';
export type { ErgoNodeClientOptions } from './ergo/ergo-node-client.ts';
export { parseErgoJson, toBigInt } from './ergo/ergo-json.ts';
export { decodeAnchorBox, holdsMarker } from './ergo/anchor-box-reading.ts';
export type * from './ergo/node-types.ts';
