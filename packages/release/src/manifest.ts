/**
 * The release manifest: what a DAO vote approves (by the SHA-256 of its canonical bytes) — the
 * source commit, the chart version, and one image per service, each pinned by digest and carrying
 * its signed build provenance. Schema and rules: docs/releases.md.
 */
import type { SigstoreBundle } from './bundle.ts';

export const MANIFEST_SCHEMA = 'anchorpost.release-manifest.v1';

/**
 * Every image a release pins: the five services, the database migration Job (the prod overlay
 * pins it too), the updater that deploys releases and the sponsor that pays users' gas. A manifest
 * names exactly these: an image the cluster may run is never left to a tag.
 */
export const RELEASE_SERVICES = [
  'relay',
  'batcher',
  'anchorer',
  'parser',
  'proof-api',
  'migrate',
  'updater',
  'sponsor',
] as const;
export type ReleaseService = (typeof RELEASE_SERVICES)[number];

/** Manifests are read whole; this is far above a real one (about 3 KiB per image). */
export const MAX_MANIFEST_BYTES = 256 * 1024;

export interface ReleaseSource {
  /** `https://` URL of the Git repository the images were built from. */
  readonly repository: string;
  /** The full 40-hex-digit commit. */
  readonly commit: string;
}

export interface ReleaseImage {
  /** Repository without tag or digest, e.g. `ghcr.io/anchorpost/relay`. */
  readonly name: string;
  /** `sha256:` and 64 lower-case hex digits: what the cluster will run. */
  readonly digest: string;
  /** The image's signed provenance: a DSSE envelope over an in-toto statement, as Sigstore bundles it. */
  readonly bundle: SigstoreBundle;
}

export interface ReleaseManifest {
  readonly schema: typeof MANIFEST_SCHEMA;
  /** Increases with every forward release; a rollback carries the earlier version it returns to. */
  readonly version: number;
  readonly rollback: boolean;
  readonly source: ReleaseSource;
  readonly chart: { readonly name: string; readonly version: string };
  readonly images: Readonly<Record<ReleaseService, ReleaseImage>>;
}
