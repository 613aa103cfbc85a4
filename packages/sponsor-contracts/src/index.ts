/**
 * @anchorpost/sponsor-contracts — the sponsor's contracts on chain: OpenZeppelin's ERC-2771
 * forwarder (as AnchorpostForwarder) and the AnchorpostKeyRegistry (compiled at build time),
 * their deployment, KeyRegistryReader (is a key some identity's current one), RpcSponsorChain (the chain checks a sponsorship passes before it is accepted)
 * and SponsorTransactionEngine (sending accepted sponsorships through the one engine).
 */
export {
  ROTATION_TYPES,
  anchorpostForwarderInterface,
  anchorpostKeyRegistryInterface,
  decodeSponsorRevert,
  keyRegistryDomain,
} from './contracts.ts';
export type { DecodedRevert } from '@anchorpost/chains';
export { deploySponsorContracts } from './deploy.ts';
export type { SponsorContractsDeployment } from './deploy.ts';
export { KeyRegistryReader } from './key-registry-reader.ts';
export type { KeyRegistryReaderOptions } from './key-registry-reader.ts';
export { RpcSponsorChain } from './rpc-sponsor-chain.ts';
export { SponsorTransactionEngine } from './sponsor-transaction.ts';
export type {
  SponsorCharge,
  SponsorTransactionEngineOptions,
  SponsorTransactionRecord,
  SponsorTransactionRequest,
} from './sponsor-transaction.ts';
export type { ForwardRequestFields, TransactionFields } from './rpc-sponsor-chain.ts';
export { anchorpostForwarderBuild } from './generated/anchorpost-forwarder.ts';
export { anchorpostKeyRegistryBuild } from './generated/anchorpost-key-registry.ts';
