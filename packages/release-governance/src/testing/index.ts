/** Test support for whoever drives a release vote: a private anvil with the contracts deployed. */
export { startReleaseGovernanceTestChain } from './release-governance-chain.ts';
export type { ReleaseGovernanceTestChain } from './release-governance-chain.ts';
