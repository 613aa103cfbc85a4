/**
 * @anchorpost/release-governance — the DAO's release vote on chain: the votes token, Governor,
 * timelock and ReleaseRegistry contracts (built on OpenZeppelin, compiled at build time), their
 * deployment, and a client that drives a release proposal and reads the registry.
 */
export * from './release-governance-error.ts';
export {
  decodeReleaseRevert,
  releaseGovernorInterface,
  releaseRegistryInterface,
  releaseTimelockInterface,
  releaseVotesInterface,
} from './contracts.ts';
export type { DecodedRevert } from '@anchorpost/chains';
export { decodeReleaseProposal, releaseDescription, releaseProposal } from './release-proposal.ts';
export type { ReleaseApproval, ReleaseProposal } from './release-proposal.ts';
export { checkWiring, deployReleaseGovernance } from './deploy.ts';
export type { ReleaseGovernanceDeployment, ReleaseGovernanceParameters } from './deploy.ts';
export { PROPOSAL_STATES, ReleaseGovernanceClient } from './release-governance-client.ts';
export type {
  ApprovedRelease,
  ProposalState,
  ProposalStatus,
  RegistryStatus,
  ReleaseGovernanceClientOptions,
  VoteSupport,
} from './release-governance-client.ts';
export { releaseGovernorBuild } from './generated/release-governor.ts';
export { releaseRegistryBuild } from './generated/release-registry.ts';
export { releaseTimelockBuild } from './generated/release-timelock.ts';
export { releaseVotesBuild } from './generated/release-votes.ts';
