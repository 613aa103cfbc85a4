/**
 * @anchorpost/release — the release manifest a DAO vote approves: schema, strict parser,
 * canonical bytes and addresses, signing of image provenance (Sigstore bundle, DSSE, in-toto,
 * SLSA), and the verifier that checks a manifest against its proposal. No chain, no storage.
 */
export * from './release-error.ts';
export { MANIFEST_SCHEMA, MAX_MANIFEST_BYTES, RELEASE_SERVICES } from './manifest.ts';
export type { ReleaseImage, ReleaseManifest, ReleaseService, ReleaseSource } from './manifest.ts';
export { canonicalJson, canonicalJsonBytes } from './canonical-json.ts';
export {
  BUNDLE_MEDIA_TYPE,
  IN_TOTO_PAYLOAD_TYPE,
  keyIdOf,
  preAuthenticationEncoding,
  signBundle,
  trustedKeyFromPem,
  verifyBundle,
} from './bundle.ts';
export type { DsseSignature, SigstoreBundle, TrustedKey } from './bundle.ts';
export {
  checkProvenance,
  IMAGE_BUILD_TYPE,
  provenanceStatement,
  SLSA_PROVENANCE_V1,
  STATEMENT_TYPE,
} from './provenance.ts';
export type { ProvenanceInput } from './provenance.ts';
export { parseReleaseManifest } from './parse-manifest.ts';
export { buildReleaseManifest, publishedManifest } from './build-manifest.ts';
export type { BuildReleaseManifestInput, PublishedManifest } from './build-manifest.ts';
export { checkVersionRule, verifyReleaseManifest } from './verify-manifest.ts';
export type { ProposedRelease, RegistryVersions, VerifyReleaseInput } from './verify-manifest.ts';
