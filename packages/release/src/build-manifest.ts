/**
 * Building a release manifest: each image's provenance statement signed into its bundle, the
 * whole written in canonical form, and the two addresses the vote names — its SHA-256 and its CID
 * (the CIDv1 `ipfs add --cid-version=1 --raw-leaves` gives the same bytes).
 */
import { createHash } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { cidForBytes } from '@anchorpost/protocol';
import { signBundle } from './bundle.ts';
import { canonicalJsonBytes } from './canonical-json.ts';
import { MANIFEST_SCHEMA, RELEASE_SERVICES } from './manifest.ts';
import type { ReleaseImage, ReleaseManifest, ReleaseService, ReleaseSource } from './manifest.ts';
import { parseReleaseManifest } from './parse-manifest.ts';
import { provenanceStatement } from './provenance.ts';

export interface BuildReleaseManifestInput {
  readonly version: number;
  readonly rollback: boolean;
  readonly source: ReleaseSource;
  readonly chart: { readonly name: string; readonly version: string };
  /** Every release service's image, pinned by digest. */
  readonly images: Readonly<Record<ReleaseService, Pick<ReleaseImage, 'name' | 'digest'>>>;
  readonly builderId: string;
  /** The builder's key (Ed25519 or ECDSA P-256): signs each image's provenance. */
  readonly signingKey: KeyObject;
}

/** A manifest as published: its canonical bytes and the addresses a proposal names. */
export interface PublishedManifest {
  readonly manifest: ReleaseManifest;
  readonly bytes: Uint8Array;
  /** Lower-case hex SHA-256 of `bytes`. */
  readonly sha256: string;
  readonly cid: string;
}

export async function publishedManifest(bytes: Uint8Array): Promise<PublishedManifest> {
  return {
    manifest: parseReleaseManifest(bytes),
    bytes,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    cid: await cidForBytes(bytes),
  };
}

export async function buildReleaseManifest(input: BuildReleaseManifestInput): Promise<PublishedManifest> {
  const images = {} as Record<ReleaseService, ReleaseImage>;
  for (const service of RELEASE_SERVICES) {
    const image = input.images[service];
    const statement = provenanceStatement({
      image,
      source: input.source,
      target: service,
      builderId: input.builderId,
    });
    images[service] = { ...image, bundle: signBundle(canonicalJsonBytes(statement), input.signingKey) };
  }
  const manifest: ReleaseManifest = {
    schema: MANIFEST_SCHEMA,
    version: input.version,
    rollback: input.rollback,
    source: input.source,
    chart: input.chart,
    images,
  };
  // Read back through the strict parser: a builder never publishes what a verifier would refuse.
  return publishedManifest(canonicalJsonBytes(manifest));
}
