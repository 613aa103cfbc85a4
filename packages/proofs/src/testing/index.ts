/** @anchorpost/proofs/testing — a real anvil + embedded index stage for proof tests, and forged proofs. */
export {
  FIXTURE_PLATFORM,
  FIXTURE_TRUSTEDBLOCK_HEIGHT,
  FIXTURE_TRUSTEDBLOCK_ID,
  startProofFixture,
} from './proof-fixture.ts';
export type { AnchorVia, FixtureAnchor, FixtureBatch, ProofFixture } from './proof-fixture.ts';
export { deployLookAlike, forgeProof } from './forged-proof.ts';
export type { ForgeProofOptions } from './forged-proof.ts';
export { ergoAnchoredProof, newErgoAnchorer } from './ergo-proof.ts';
export type { ErgoAnchorer, ErgoDevnetControls } from './ergo-proof.ts';
