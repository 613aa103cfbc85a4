/**
 * The strict manifest reader: bounded size, UTF-8 JSON, exactly the schema's fields with their
 * types and formats, every service's image and no other, and the bytes exactly the canonical form
 * of what they hold — so a manifest has one byte string, and the voted SHA-256 pins it.
 */
import { canonicalJson } from './canonical-json.ts';
import { BUNDLE_MEDIA_TYPE, IN_TOTO_PAYLOAD_TYPE } from './bundle.ts';
import type { SigstoreBundle } from './bundle.ts';
import { MANIFEST_SCHEMA, MAX_MANIFEST_BYTES, RELEASE_SERVICES } from './manifest.ts';
import type { ReleaseImage, ReleaseManifest, ReleaseService } from './manifest.ts';
import { ReleaseError, ReleaseErrorCode } from './release-error.ts';

const COMMIT_RE = /^[0-9a-f]{40}$/;
const DIGEST_RE = /^sha256:[0-9a-f]{64}$/;
const HEX64_RE = /^[0-9a-f]{64}$/;
const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const IMAGE_NAME_RE = /^[a-z0-9.-]+(?::[0-9]+)?(?:\/[a-z0-9._-]+)+$/;
const CHART_NAME_RE = /^[a-z0-9-]{1,63}$/;
const SEMVER_RE = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;
const REPOSITORY_RE = /^https:\/\/[^\s@]+$/;

const malformed = (field: string, why: string): never => {
  throw new ReleaseError(ReleaseErrorCode.Malformed, field, why);
};

/** The object at `field`, with exactly `keys` (none missing, none extra). */
function fields(value: unknown, field: string, keys: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return malformed(field, 'must be an object');
  const record = value as Record<string, unknown>;
  for (const key of keys)
    if (!(key in record)) malformed(field === '-' ? key : `${field}.${key}`, 'is missing');
  for (const key of Object.keys(record)) {
    if (!keys.includes(key))
      malformed(field === '-' ? key : `${field}.${key}`, 'is not a field of the schema');
  }
  return record;
}

function text(value: unknown, field: string, pattern: RegExp, what: string): string {
  if (typeof value !== 'string' || !pattern.test(value)) return malformed(field, `must be ${what}`);
  return value;
}

function readBundle(value: unknown, field: string): SigstoreBundle {
  const bundle = fields(value, field, ['mediaType', 'verificationMaterial', 'dsseEnvelope']);
  if (bundle.mediaType !== BUNDLE_MEDIA_TYPE) malformed(`${field}.mediaType`, `must be ${BUNDLE_MEDIA_TYPE}`);
  const material = fields(bundle.verificationMaterial, `${field}.verificationMaterial`, ['publicKey']);
  const publicKey = fields(material.publicKey, `${field}.verificationMaterial.publicKey`, ['hint']);
  const hint = text(publicKey.hint, `${field}.verificationMaterial.publicKey.hint`, HEX64_RE, 'a key id');
  const envelope = fields(bundle.dsseEnvelope, `${field}.dsseEnvelope`, [
    'payload',
    'payloadType',
    'signatures',
  ]);
  const payload = text(envelope.payload, `${field}.dsseEnvelope.payload`, BASE64_RE, 'base64');
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    malformed(`${field}.dsseEnvelope.payloadType`, `must be ${IN_TOTO_PAYLOAD_TYPE}`);
  }
  const list = envelope.signatures;
  if (!Array.isArray(list) || list.length === 0 || list.length > 4) {
    return malformed(`${field}.dsseEnvelope.signatures`, 'must hold one to four signatures');
  }
  const signatures = list.map((entry: unknown, i) => {
    const at = `${field}.dsseEnvelope.signatures.${i}`;
    const signature = fields(entry, at, ['sig', 'keyid']);
    return {
      sig: text(signature.sig, `${at}.sig`, BASE64_RE, 'base64'),
      keyid: text(signature.keyid, `${at}.keyid`, HEX64_RE, 'a key id'),
    };
  });
  return {
    mediaType: BUNDLE_MEDIA_TYPE,
    verificationMaterial: { publicKey: { hint } },
    dsseEnvelope: { payload, payloadType: IN_TOTO_PAYLOAD_TYPE, signatures },
  };
}

function readImages(value: unknown): Record<ReleaseService, ReleaseImage> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return malformed('images', 'must be an object');
  const record = value as Record<string, unknown>;
  for (const name of Object.keys(record)) {
    if (!(RELEASE_SERVICES as readonly string[]).includes(name)) {
      throw new ReleaseError(ReleaseErrorCode.UnknownImage, `images.${name}`, `not a service of a release`);
    }
  }
  const images = {} as Record<ReleaseService, ReleaseImage>;
  for (const service of RELEASE_SERVICES) {
    if (!(service in record))
      throw new ReleaseError(ReleaseErrorCode.MissingImage, `images.${service}`, 'is missing');
    const field = `images.${service}`;
    const image = fields(record[service], field, ['name', 'digest', 'bundle']);
    images[service] = {
      name: text(image.name, `${field}.name`, IMAGE_NAME_RE, 'an image repository without tag or digest'),
      digest: text(image.digest, `${field}.digest`, DIGEST_RE, 'sha256: and 64 lower-case hex digits'),
      bundle: readBundle(image.bundle, `${field}.bundle`),
    };
  }
  return images;
}

export function parseReleaseManifest(bytes: Uint8Array): ReleaseManifest {
  if (bytes.byteLength > MAX_MANIFEST_BYTES) {
    throw new ReleaseError(
      ReleaseErrorCode.TooLarge,
      '-',
      `${bytes.byteLength} bytes, the limit is ${MAX_MANIFEST_BYTES}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes));
  } catch (cause) {
    throw new ReleaseError(ReleaseErrorCode.NotJson, '-', 'not UTF-8 JSON', { cause });
  }
  const top = fields(json, '-', ['schema', 'version', 'rollback', 'source', 'chart', 'images']);
  if (top.schema !== MANIFEST_SCHEMA) {
    throw new ReleaseError(ReleaseErrorCode.UnsupportedSchema, 'schema', `expected ${MANIFEST_SCHEMA}`);
  }
  const { version, rollback } = top;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
    malformed('version', 'must be an integer from 1 to 2^53 - 1');
  }
  if (typeof rollback !== 'boolean') malformed('rollback', 'must be true or false');
  const source = fields(top.source, 'source', ['repository', 'commit']);
  const chart = fields(top.chart, 'chart', ['name', 'version']);
  const manifest: ReleaseManifest = {
    schema: MANIFEST_SCHEMA,
    version: version as number,
    rollback: rollback as boolean,
    source: {
      repository: text(source.repository, 'source.repository', REPOSITORY_RE, 'an https:// URL'),
      commit: text(source.commit, 'source.commit', COMMIT_RE, '40 lower-case hex digits'),
    },
    chart: {
      name: text(chart.name, 'chart.name', CHART_NAME_RE, 'a chart name'),
      version: text(chart.version, 'chart.version', SEMVER_RE, 'a SemVer version'),
    },
    images: readImages(top.images),
  };
  // Compared last, so a malformed manifest is reported as such, not merely as non-canonical.
  if (canonicalJson(json) !== new TextDecoder().decode(bytes)) {
    throw new ReleaseError(ReleaseErrorCode.NotCanonical, '-', 'not in canonical JSON form (RFC 8785)');
  }
  return manifest;
}
