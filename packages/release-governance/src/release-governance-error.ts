/**
 * Every failure of the release governance client is a ReleaseGovernanceError: a stable code
 * (never renamed, only added) and whether trying again later can help — a step asked too early
 * (voting still open, review window not over) can; one asked of a proposal that was defeated or
 * cancelled cannot. RPC failures keep their ChainError from @anchorpost/chains.
 */
import { AnchorpostError, errorKinds } from '@anchorpost/protocol';

export const ReleaseGovernanceErrorCode = {
  /** No proposal with this id on the Governor (never proposed, or another Governor). */
  UnknownProposal: 'UNKNOWN_PROPOSAL',
  /** The proposal is not yet in the state this step needs (voting open, review window running). */
  NotYet: 'NOT_YET',
  /** The proposal can never reach the state this step needs (defeated, cancelled, expired, executed). */
  WrongState: 'WRONG_STATE',
  /** The guardian paused the registry: approvals wait until the pause ends. */
  RegistryPaused: 'REGISTRY_PAUSED',
  /** A contract refused the call for another reason (its custom error is in the message). */
  Reverted: 'REVERTED',
  /** A Governor proposal that is not exactly one call to the registry's approve/approveRollback. */
  NotAReleaseProposal: 'NOT_A_RELEASE_PROPOSAL',
  /** The deployed contracts are not wired as intended (addresses, roles); do not use them. */
  BadDeployment: 'BAD_DEPLOYMENT',
  /** Arguments out of range before anything was sent (a version that is not a uint64, a bad digest). */
  InvalidArgument: 'INVALID_ARGUMENT',
} as const;

export type ReleaseGovernanceErrorCode =
  (typeof ReleaseGovernanceErrorCode)[keyof typeof ReleaseGovernanceErrorCode];

const KINDS = errorKinds<ReleaseGovernanceErrorCode>(ReleaseGovernanceErrorCode, {
  UNKNOWN_PROPOSAL: 'not-found',
  NOT_YET: 'conflict',
  WRONG_STATE: 'conflict',
  REGISTRY_PAUSED: 'unavailable',
  REVERTED: 'conflict',
  NOT_A_RELEASE_PROPOSAL: 'invalid',
  BAD_DEPLOYMENT: 'internal',
  INVALID_ARGUMENT: 'invalid',
});

const RETRYABLE: ReadonlySet<ReleaseGovernanceErrorCode> = new Set<ReleaseGovernanceErrorCode>([
  ReleaseGovernanceErrorCode.NotYet,
  ReleaseGovernanceErrorCode.RegistryPaused,
]);

export class ReleaseGovernanceError extends AnchorpostError<ReleaseGovernanceErrorCode> {
  override readonly name = 'ReleaseGovernanceError';

  constructor(code: ReleaseGovernanceErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, KINDS[code], message, RETRYABLE.has(code), options);
  }
}
