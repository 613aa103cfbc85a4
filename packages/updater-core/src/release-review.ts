/**
 * The review of a queued release, published during the timelock's review window so the guardian
 * can cancel a bad one: the manifest fetched by the CID the proposal names, checked by
 * @anchorpost/release against the proposal (SHA-256 first, then CID, version and kind), the
 * registry as it was when the proposal was queued (the version rule), and the trusted signing keys
 * (signatures, provenance); then the dry run of the prod overlay with the new digests. A failure
 * that may pass later (storage, Git, tools unreachable) is thrown; a final one is the verdict.
 */
import {
  MAX_MANIFEST_BYTES,
  publishedManifest,
  RELEASE_SERVICES,
  verifyReleaseManifest,
} from '@anchorpost/release';
import type { PublishedManifest, ReleaseManifest, TrustedKey } from '@anchorpost/release';
import { AnchorpostError } from '@anchorpost/protocol';
import type { ContentStore } from '@anchorpost/storage-port';
import type { GovernanceChain } from './governance-chain.ts';
import type { GitOpsRepository } from './gitops-repository.ts';
import type { ImagePin } from './prod-overlay.ts';
import type { ReleaseDryRun } from './release-dry-run.ts';
import { UpdaterError } from './updater-error.ts';
import type { StoredApproval, StoredVerdict } from './updater-store.ts';

export interface ReleaseReviewDeps {
  readonly chain: GovernanceChain;
  readonly content: ContentStore;
  readonly gitops: GitOpsRepository;
  readonly dryRun: ReleaseDryRun;
  readonly trustedKeys: readonly TrustedKey[];
  readonly storageTimeoutMs: number;
}

export interface VerifiedRelease {
  readonly published: PublishedManifest;
  readonly images: readonly ImagePin[];
}

/** The manifest, fetched and verified against its proposal and the registry after `registryBlock`. */
export async function verifiedRelease(
  deps: ReleaseReviewDeps,
  approval: StoredApproval,
  registryBlock: number,
): Promise<VerifiedRelease> {
  const bytes = await deps.content.getFile(approval.manifestCid, {
    maxBytes: MAX_MANIFEST_BYTES,
    timeoutMs: deps.storageTimeoutMs,
  });
  const registry = await deps.chain.registry(registryBlock);
  const published = await verifyReleaseManifest({
    bytes,
    proposal: {
      manifestSha256: approval.manifestSha256,
      manifestCid: approval.manifestCid,
      version: BigInt(approval.version),
      rollback: approval.rollback,
    },
    registry,
    trustedKeys: deps.trustedKeys,
  });
  const images = imagesOf(published.manifest);
  if (approval.rollback) await checkRollbackTarget(deps, BigInt(approval.version), images, registryBlock);
  return { published, images };
}

function imagesOf(manifest: ReleaseManifest): ImagePin[] {
  return RELEASE_SERVICES.map((service) => {
    const image = manifest.images[service];
    return { name: image.name, digest: image.digest };
  });
}

/**
 * A rollback returns to what was voted before: its images must be, one for one, those of the
 * manifest the registry approved forward as that version (fetched by the CID its approval named,
 * and checked against the digest the registry keeps).
 */
async function checkRollbackTarget(
  deps: ReleaseReviewDeps,
  version: bigint,
  images: readonly ImagePin[],
  registryBlock: number,
): Promise<void> {
  const target = await deps.chain.approvedRelease(version, registryBlock);
  if (target === undefined) {
    throw new UpdaterError(
      'UNKNOWN_ROLLBACK_TARGET',
      `the registry never approved version ${version} forward`,
    );
  }
  const bytes = await deps.content.getFile(target.manifestCid, {
    maxBytes: MAX_MANIFEST_BYTES,
    timeoutMs: deps.storageTimeoutMs,
  });
  const earlier = await publishedManifest(bytes);
  if (earlier.sha256 !== target.manifestSha256) {
    throw new UpdaterError(
      'ROLLBACK_DIGEST_MISMATCH',
      `the manifest of version ${version} does not hash to the approved digest`,
    );
  }
  const expected = imagesOf(earlier.manifest).map((pin) => `${pin.name}@${pin.digest}`);
  const differing = images.filter((pin, i) => `${pin.name}@${pin.digest}` !== expected[i]);
  if (differing.length > 0) {
    throw new UpdaterError(
      'ROLLBACK_DIGEST_MISMATCH',
      `a rollback to version ${version} must run its images; these differ: ${differing.map((pin) => pin.name).join(', ')}`,
    );
  }
}

/** The verdict on a release: every check, then the dry run. Throws only what may pass on a later run. */
export async function reviewRelease(
  deps: ReleaseReviewDeps,
  approval: StoredApproval,
  registryBlock: number,
): Promise<StoredVerdict> {
  try {
    const { images } = await verifiedRelease(deps, approval, registryBlock);
    const result = await deps.gitops.withCheckout((dir) => deps.dryRun.check(dir, images));
    const unlisted =
      result.unlisted.length === 0 ? '' : `; not deployed by the overlay: ${result.unlisted.join(', ')}`;
    return {
      ok: true,
      reason: `manifest, signatures, provenance and dry run (${result.elapsedMs} ms) pass${unlisted}`,
      pins: result.pinned.map((pin) => `${pin.name}@${pin.digest}`),
    };
  } catch (error) {
    if (error instanceof AnchorpostError && !error.retryable) {
      const { code, message } = error as AnchorpostError;
      return { ok: false, code, reason: message };
    }
    throw error;
  }
}
