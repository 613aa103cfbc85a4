/** Test fixture: a builder's key pair, an attacker's, and a valid release built with the first. */
import { generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { buildReleaseManifest } from '../src/build-manifest.ts';
import type { BuildReleaseManifestInput, PublishedManifest } from '../src/build-manifest.ts';
import { keyIdOf } from '../src/bundle.ts';
import type { TrustedKey } from '../src/bundle.ts';
import { RELEASE_SERVICES } from '../src/manifest.ts';
import type { ReleaseManifest, ReleaseService } from '../src/manifest.ts';
import type { ProposedRelease } from '../src/verify-manifest.ts';

export const COMMIT = '3f1c2b9a7d4e5f60718293a4b5c6d7e8f9012345';
export const REPOSITORY = 'https://github.com/anchorpost/anchorpost';

export function keyPair(kind: 'ed25519' | 'p256'): { privateKey: KeyObject; trusted: TrustedKey } {
  const { privateKey, publicKey } =
    kind === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, trusted: { keyId: keyIdOf(publicKey), publicKey } };
}

export const digestFor = (service: string, salt = ''): string =>
  `sha256:${Buffer.from(`${service}${salt}`.padEnd(32, '.')).toString('hex')}`;

export function imagesFor(salt = ''): Record<ReleaseService, { name: string; digest: string }> {
  return Object.fromEntries(
    RELEASE_SERVICES.map((s) => [s, { name: `ghcr.io/anchorpost/${s}`, digest: digestFor(s, salt) }]),
  ) as Record<ReleaseService, { name: string; digest: string }>;
}

export function releaseInput(
  signingKey: KeyObject,
  overrides: Partial<BuildReleaseManifestInput> = {},
): BuildReleaseManifestInput {
  return {
    version: 7,
    rollback: false,
    source: { repository: REPOSITORY, commit: COMMIT },
    chart: { name: 'anchorpost', version: '0.1.0' },
    images: imagesFor(),
    builderId: 'https://github.com/anchorpost/anchorpost/.github/workflows/release.yaml@refs/heads/main',
    signingKey,
    ...overrides,
  };
}

export const proposalOf = (published: PublishedManifest): ProposedRelease => ({
  manifestSha256: published.sha256,
  manifestCid: published.cid,
  version: BigInt(published.manifest.version),
  rollback: published.manifest.rollback,
});

export const build = buildReleaseManifest;

type Mutable<T> = { -readonly [K in keyof T]: Mutable<T[K]> };
/** A manifest copy a test may change, to build a forged or malformed variant. */
export type ManifestDraft = Mutable<ReleaseManifest>;
export const draftOf = (published: PublishedManifest): ManifestDraft =>
  structuredClone(published.manifest) as ManifestDraft;
/** The same draft, loosely typed, for changes the schema's types forbid. */
export const loose = (value: object): Record<string, unknown> => value as Record<string, unknown>;
