/**
 * @anchorpost/updater-core — the DAO release updater's engine, framework-free: follows the
 * Governor and the ReleaseRegistry at confirmation depth, reviews each queued release (manifest,
 * signatures, provenance, dry run), commits an approved one to the GitOps `release` branch (signed,
 * idempotent, never forced), follows Argo CD until it runs, and keeps a hash-chained deploy log.
 * Ports: GovernanceChain, UpdaterStore, ContentStore, GitOpsRepository, ReleaseDryRun, ArgoCdApi.
 */
export * from './updater-error.ts';
export type {
  GovernanceChain,
  GovernanceEvent,
  GovernorProposalState,
  ProposedApproval,
  RegistryState,
} from './governance-chain.ts';
export { FINAL_PHASES } from './updater-store.ts';
export type {
  FollowCursor,
  ProposalPhase,
  ReleaseProposalRecord,
  StoredApproval,
  StoredVerdict,
  UpdaterStore,
} from './updater-store.ts';
export {
  chainDeployLogEntry,
  deployLogEntryFromRow,
  deployLogEntryHashMatches,
  GENESIS_HASH,
  verifyDeployLog,
} from './deploy-log.ts';
export type {
  DeployLogEntry,
  DeployLogEntryInput,
  DeployLogRow,
  DeployOutcome,
  DeployStep,
} from './deploy-log.ts';
export { findDigestRelease, IMAGE_DIGEST, namesDigest } from './digest-release.ts';
export type { DigestRelease } from './digest-release.ts';
export { anchorDeployLog, DEPLOY_LOG_HEADER, deployLogTxFile } from './deploy-log-anchoring.ts';
export type {
  DeployLogOutbox,
  DeployLogTxFile,
  DeployLogWriter,
  TxFileSubmitter,
} from './deploy-log-anchoring.ts';
export { overlayPins, pinReleaseImages } from './prod-overlay.ts';
export type { ImagePin, OverlayChange } from './prod-overlay.ts';
export { runCommand } from './command.ts';
export type { CommandOptions, CommandResult, CommandRunner } from './command.ts';
export { MANIFEST_TRAILER, PROPOSAL_TRAILER, releaseCommitMessage } from './gitops-repository.ts';
export type { GitOpsRepository, ReleaseChange, ReleaseCommit } from './gitops-repository.ts';
export { GitCliRepository } from './git-cli-repository.ts';
export type { GitCliRepositoryOptions } from './git-cli-repository.ts';
export { KustomizeDryRun, renderedImages } from './release-dry-run.ts';
export type { DryRunResult, KustomizeDryRunOptions, ReleaseDryRun } from './release-dry-run.ts';
export { applicationStatus, ArgoCdHttpApi } from './argo-cd.ts';
export type { ApplicationStatus, ArgoCdApi, ArgoCdHttpApiOptions } from './argo-cd.ts';
export { reviewRelease } from './release-review.ts';
export type { UpdaterObserver } from './updater-observer.ts';
export { Updater } from './updater.ts';
export type { UpdaterOptions } from './updater.ts';
