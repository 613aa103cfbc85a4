/** @anchorpost/proofs/testing — a real anvil + embedded index stage for proof tests. */
export { FIXTURE_PLATFORM, FIXTURE_TRUSTEDBLOCK_HEIGHT, startProofFixture } from './proof-fixture.ts';
export type { FixtureAnchor, FixtureBatch, ProofFixture } from './proof-fixture.ts';
