/** Test support for whoever sponsors on chain: a private anvil with the sponsor's contracts deployed. */
export { startSponsorTestChain } from './sponsor-test-chain.ts';
export type { SponsorTestChain } from './sponsor-test-chain.ts';
