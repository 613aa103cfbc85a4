/** The EVM adapters: anchor contract, anvil, the chain reader, the EVM driver of the anchoring engine and EvmChain. */
export {
  ANCHORED_TOPIC,
  anchorContractInterface,
  decodeAnchoredLog,
  decodeAnchorRevert,
  deployAnchorContract,
  encodeAnchorCall,
  setAnchorSubmitter,
} from './anchor-contract.ts';
export type {
  AnchoredEvent,
  DeployAnchorContractOptions,
  DeployedAnchorContract,
} from './anchor-contract.ts';
export { anvilBinaryPath, startAnvil } from './anvil.ts';
export type { Anvil, AnvilOptions } from './anvil.ts';
export { EvmChain } from './evm-chain.ts';
export type { EvmChainOptions } from './evm-chain.ts';
export { EvmDriver } from './evm-driver.ts';
export { AnchorContractBody } from './evm-transaction-body.ts';
export type { EvmTransactionBody } from './evm-transaction-body.ts';
export type { EvmDriverOptions, EvmTick } from './evm-driver.ts';
export { EvmChainReader } from './evm-chain-reader.ts';
export type { EvmChainReaderOptions } from './evm-chain-reader.ts';
export { bumpedFees, initialFees, minimumReplacementFees } from './fee-policy.ts';
export type { Eip1559Fees, NetworkFees } from './fee-policy.ts';
export { JsonRpcPool, RpcResponseError } from './json-rpc-pool.ts';
export type { JsonRpcPoolOptions } from './json-rpc-pool.ts';
export { decodeCustomError, deployContract } from './contract-deployment.ts';
export type { DecodedRevert, DeployedContract } from './contract-deployment.ts';
export { sendTransactionAndWait } from './send-transaction.ts';
export type { SendTransactionOptions, TransactionSigner } from './send-transaction.ts';
export {
  anchorpostAnchorAbi,
  anchorpostAnchorBuild,
  anchorpostAnchorBytecode,
} from '../generated/anchorpost-anchor.ts';
export {
  anvilConfigSchema,
  anvilOptionsFromEnv,
  evmChainConfigFromEnv,
  evmChainConfigSchema,
  evmRpcConfigSchema,
} from './evm-config.ts';
export type { EvmChainConfig } from './evm-config.ts';
