/** The strict reader: one canonical byte string per manifest, exactly the schema's fields, every image. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { PublishedManifest } from '../src/build-manifest.ts';
import { canonicalJson, canonicalJsonBytes } from '../src/canonical-json.ts';
import { MAX_MANIFEST_BYTES, RELEASE_SERVICES } from '../src/manifest.ts';
import { parseReleaseManifest } from '../src/parse-manifest.ts';
import { ReleaseError } from '../src/release-error.ts';
import { build, draftOf, keyPair, loose, releaseInput } from './fixture.ts';
import type { ManifestDraft } from './fixture.ts';

function refused(bytes: Uint8Array, code: string, field?: string): void {
  assert.throws(
    () => parseReleaseManifest(bytes),
    (error: unknown) => {
      assert.ok(error instanceof ReleaseError, String(error));
      assert.equal(error.code, code, error.message);
      if (field !== undefined) assert.equal(error.field, field, error.message);
      return true;
    },
  );
}

describe('parseReleaseManifest', () => {
  let published: PublishedManifest;
  const text = (value: unknown) => new TextEncoder().encode(value as string);
  const changed = (change: (m: ManifestDraft) => void): Uint8Array => {
    const draft = draftOf(published);
    change(draft);
    return canonicalJsonBytes(draft);
  };

  before(async () => {
    published = await build(releaseInput(keyPair('ed25519').privateKey));
  });

  it('reads back what the builder wrote, with every service pinned', () => {
    const manifest = parseReleaseManifest(published.bytes);
    assert.deepEqual(manifest, published.manifest);
    assert.deepEqual(Object.keys(manifest.images).sort(), [...RELEASE_SERVICES].sort());
  });

  it('refuses another byte string for the same content: spacing, key order, a duplicate key, a trailing newline', () => {
    const json = JSON.parse(new TextDecoder().decode(published.bytes)) as Record<string, unknown>;
    refused(text(JSON.stringify(json, null, 2)), 'NOT_CANONICAL');
    const { schema, ...rest } = json;
    refused(text(JSON.stringify({ ...rest, schema })), 'NOT_CANONICAL');
    refused(text(`{"chart":{},${canonicalJson(json).slice(1)}`), 'NOT_CANONICAL');
    refused(text(`${canonicalJson(json)}\n`), 'NOT_CANONICAL');
  });

  it('refuses a missing image, an image for no service, and a tag instead of a digest', () => {
    refused(
      changed((m) => Reflect.deleteProperty(m.images, 'updater')),
      'MISSING_IMAGE',
      'images.updater',
    );
    refused(
      changed((m) => (loose(m.images).miner = m.images.relay)),
      'UNKNOWN_IMAGE',
      'images.miner',
    );
    refused(
      changed((m) => (m.images.relay.digest = 'latest')),
      'MALFORMED',
      'images.relay.digest',
    );
    refused(
      changed((m) => (m.images.relay.name = 'ghcr.io/anchorpost/relay:1.0')),
      'MALFORMED',
      'images.relay.name',
    );
  });

  it('refuses unknown and missing fields, wrong types, another schema', () => {
    refused(
      changed((m) => (loose(m).pipeline = 'jenkins-7')),
      'MALFORMED',
      'pipeline',
    );
    refused(
      changed((m) => Reflect.deleteProperty(m, 'rollback')),
      'MALFORMED',
      'rollback',
    );
    refused(
      changed((m) => (loose(m).rollback = 'no')),
      'MALFORMED',
      'rollback',
    );
    refused(
      changed((m) => (m.version = 0)),
      'MALFORMED',
      'version',
    );
    refused(
      changed((m) => (m.source.commit = 'abc')),
      'MALFORMED',
      'source.commit',
    );
    refused(
      changed((m) => (m.source.repository = 'http://example.com/x')),
      'MALFORMED',
      'source.repository',
    );
    refused(
      changed((m) => (loose(m.images.relay.bundle).mediaType = 'x')),
      'MALFORMED',
      'images.relay.bundle.mediaType',
    );
    refused(
      changed((m) => (m.images.relay.bundle.dsseEnvelope.signatures = [])),
      'MALFORMED',
    );
    refused(
      changed((m) => (loose(m).schema = 'anchorpost.release-manifest.v2')),
      'UNSUPPORTED_SCHEMA',
      'schema',
    );
  });

  it('refuses non-JSON, a byte-order mark and oversized input before reading it', () => {
    refused(text('{"schema":'), 'NOT_JSON');
    refused(new Uint8Array([0xef, 0xbb, 0xbf, ...published.bytes]), 'NOT_JSON');
    refused(new Uint8Array([0xff, 0xfe]), 'NOT_JSON');
    refused(new Uint8Array(MAX_MANIFEST_BYTES + 1), 'TOO_LARGE');
  });
});

describe('canonicalJson', () => {
  it('sorts keys by UTF-16 code units and writes strings as JSON.stringify does (RFC 8785)', () => {
    assert.equal(
      canonicalJson({ b: 1, a: [true, null, 'é\u2028'], '\u20ac': 0, '\ud83d\ude00': 0 }),
      '{"a":[true,null,"é\u2028"],"b":1,"\u20ac":0,"\ud83d\ude00":0}',
    );
    assert.throws(() => canonicalJson({ x: 1.5 }), TypeError);
  });
});
