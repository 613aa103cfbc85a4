/** @anchorpost/chains/testing — contract suites for the chain port and its store, and harnesses. */
export { allAnchors, anchorChainContract, inState, sampleAnchorRequest, settle } from './contract.ts';
export type { ChainHarness, ChainHarnessFactory } from './contract.ts';
export { anchorRequestStoreContract } from './anchor-request-store-contract.ts';
export type { AnchorRequestStoreFactory } from './anchor-request-store-contract.ts';
export { startEvmTestChain } from './evm-harness.ts';
export type { EvmChainTuning, EvmTestChain, EvmTestChainOptions } from './evm-harness.ts';
