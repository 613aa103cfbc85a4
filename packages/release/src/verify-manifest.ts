/**
 * The verifier: may these bytes be deployed as what the proposal approves? In order — the bytes
 * are the ones voted (SHA-256 and CID), they are a manifest, it is the version and kind the
 * proposal names, the version rule holds against the registry, and every image is signed by a
 * trusted key with provenance naming that image and the manifest's commit. The first failure is
 * the verdict; each has its own code.
 */
import { createHash } from 'node:crypto';
import { verifyBundle } from './bundle.ts';
import type { TrustedKey } from './bundle.ts';
import { publishedManifest } from './build-manifest.ts';
import type { PublishedManifest } from './build-manifest.ts';
import { MAX_MANIFEST_BYTES, RELEASE_SERVICES } from './manifest.ts';
import { checkProvenance } from './provenance.ts';
import { ReleaseError, ReleaseErrorCode } from './release-error.ts';

/** What a release proposal names (decoded from its one call to the registry). */
export interface ProposedRelease {
  readonly manifestSha256: string;
  readonly manifestCid: string;
  readonly version: bigint;
  readonly rollback: boolean;
}

/** The registry's state the version rule is checked against (0n, 0n before the first release). */
export interface RegistryVersions {
  readonly currentVersion: bigint;
  readonly highestVersion: bigint;
}

export interface VerifyReleaseInput {
  readonly bytes: Uint8Array;
  readonly proposal: ProposedRelease;
  readonly registry: RegistryVersions;
  readonly trustedKeys: readonly TrustedKey[];
}

/** Checks the version rule alone: forward above every approved version, rollback below the current. */
export function checkVersionRule(version: bigint, rollback: boolean, registry: RegistryVersions): void {
  if (!rollback && version <= registry.highestVersion) {
    throw new ReleaseError(
      ReleaseErrorCode.Downgrade,
      'version',
      `version ${version} is not above ${registry.highestVersion}, the highest approved, and the manifest is no rollback`,
    );
  }
  if (rollback && version >= registry.currentVersion) {
    throw new ReleaseError(
      ReleaseErrorCode.NotARollback,
      'version',
      `a rollback must go below the current version ${registry.currentVersion}, not to ${version}`,
    );
  }
}

export async function verifyReleaseManifest(input: VerifyReleaseInput): Promise<PublishedManifest> {
  const { bytes, proposal } = input;
  if (bytes.byteLength > MAX_MANIFEST_BYTES) {
    throw new ReleaseError(
      ReleaseErrorCode.TooLarge,
      '-',
      `${bytes.byteLength} bytes, the limit is ${MAX_MANIFEST_BYTES}`,
    );
  }
  // Digests before parsing: bytes nobody voted on never reach the parser's verdicts.
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== proposal.manifestSha256) {
    throw new ReleaseError(
      ReleaseErrorCode.Sha256Mismatch,
      '-',
      `the manifest hashes to ${sha256}, the proposal names ${proposal.manifestSha256}`,
    );
  }
  const published = await publishedManifest(bytes);
  if (published.cid !== proposal.manifestCid) {
    throw new ReleaseError(
      ReleaseErrorCode.CidMismatch,
      '-',
      `the manifest's CID is ${published.cid}, the proposal names ${proposal.manifestCid}`,
    );
  }
  const { manifest } = published;
  if (BigInt(manifest.version) !== proposal.version) {
    throw new ReleaseError(
      ReleaseErrorCode.VersionMismatch,
      'version',
      `the manifest is version ${manifest.version}, the proposal approves ${proposal.version}`,
    );
  }
  if (manifest.rollback !== proposal.rollback) {
    throw new ReleaseError(
      ReleaseErrorCode.RollbackMismatch,
      'rollback',
      manifest.rollback
        ? 'the manifest is a rollback, the proposal calls approve'
        : 'the proposal calls approveRollback',
    );
  }
  checkVersionRule(proposal.version, proposal.rollback, input.registry);
  for (const service of RELEASE_SERVICES) {
    const image = manifest.images[service];
    const field = `images.${service}.bundle`;
    const payload = verifyBundle(image.bundle, input.trustedKeys, field);
    checkProvenance(payload, image, manifest.source, field);
  }
  return published;
}
