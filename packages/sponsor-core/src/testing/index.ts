/**
 * Test support for the sponsor: the SponsorshipStore contract suite every adapter must pass, and
 * the in-memory test double of the port (for tests only).
 */
export { sponsorshipStoreContract } from './sponsorship-store-contract.ts';
export type { SponsorshipStoreFactory } from './sponsorship-store-contract.ts';
export { MemorySponsorshipStoreDouble } from './memory-sponsorship-store.ts';
