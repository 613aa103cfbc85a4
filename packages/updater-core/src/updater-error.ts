/**
 * Every failure of the updater is an UpdaterError: a stable code (never renamed, only added), its
 * kind, and `retryable` — true when the same step may succeed on a later run (a node, the store,
 * the Git remote or Argo CD unreachable), false when the answer is final for that release.
 * A refused manifest keeps the code of @anchorpost/release's ReleaseError as its verdict.
 */
import { AnchorpostError, errorKinds } from '@anchorpost/protocol';

export const UpdaterErrorCode = {
  /** The chain node, the storage, the database or Argo CD did not answer; the step runs again. */
  Unavailable: 'UNAVAILABLE',
  /** A Git command failed for a reason other than a lost push race (remote down, bad key). */
  GitFailed: 'GIT_FAILED',
  /** The push was rejected as non-fast-forward more times than the retry limit allows. */
  PushRaceLost: 'PUSH_RACE_LOST',
  /** The prod overlay pins an image the manifest has no digest for. */
  OverlayImageNotInManifest: 'OVERLAY_IMAGE_NOT_IN_MANIFEST',
  /** The prod overlay is not a kustomization with an `images:` list. */
  BadOverlay: 'BAD_OVERLAY',
  /** `kustomize build` or `kubeconform -strict` refused the overlay with the new digests. */
  DryRunFailed: 'DRY_RUN_FAILED',
  /** The rendered prod overlay does not pin exactly the manifest's digests. */
  RenderedDigestMismatch: 'RENDERED_DIGEST_MISMATCH',
  /** Argo CD answered with something that is not an Application. */
  BadArgoCdResponse: 'BAD_ARGO_CD_RESPONSE',
  /** A rollback to a version the registry never approved forward. */
  UnknownRollbackTarget: 'UNKNOWN_ROLLBACK_TARGET',
  /** A rollback whose images are not those of the release it returns to. */
  RollbackDigestMismatch: 'ROLLBACK_DIGEST_MISMATCH',
  /** The chain node serves another chain than the configured one. */
  WrongChain: 'WRONG_CHAIN',
  /** The deploy log's hash chain is broken (a record changed or removed). */
  DeployLogBroken: 'DEPLOY_LOG_BROKEN',
  /** The relay's receipt for a deploy-log record's tx-file names other bytes than those sent. */
  RelayReceiptMismatch: 'RELAY_RECEIPT_MISMATCH',
  /** The relay refused a deploy-log record's tx-file (its code in the message): the tenant, a key, the state chain. */
  RelayRefused: 'RELAY_REFUSED',
} as const;

export type UpdaterErrorCode = (typeof UpdaterErrorCode)[keyof typeof UpdaterErrorCode];

const KINDS = errorKinds<UpdaterErrorCode>(UpdaterErrorCode, {
  UNAVAILABLE: 'unavailable',
  GIT_FAILED: 'unavailable',
  PUSH_RACE_LOST: 'conflict',
  OVERLAY_IMAGE_NOT_IN_MANIFEST: 'conflict',
  BAD_OVERLAY: 'invalid',
  DRY_RUN_FAILED: 'invalid',
  RENDERED_DIGEST_MISMATCH: 'conflict',
  BAD_ARGO_CD_RESPONSE: 'unavailable',
  UNKNOWN_ROLLBACK_TARGET: 'conflict',
  ROLLBACK_DIGEST_MISMATCH: 'conflict',
  WRONG_CHAIN: 'invalid',
  DEPLOY_LOG_BROKEN: 'internal',
  RELAY_RECEIPT_MISMATCH: 'internal',
  RELAY_REFUSED: 'conflict',
});

const RETRYABLE: ReadonlySet<UpdaterErrorCode> = new Set([
  'UNAVAILABLE',
  'GIT_FAILED',
  'PUSH_RACE_LOST',
  'BAD_ARGO_CD_RESPONSE',
]);

export class UpdaterError extends AnchorpostError<UpdaterErrorCode> {
  override readonly name = 'UpdaterError';

  constructor(code: UpdaterErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, KINDS[code], message, RETRYABLE.has(code), options);
  }
}
