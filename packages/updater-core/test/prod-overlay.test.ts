import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RELEASE_SERVICES } from '@anchorpost/release';
import { overlayPins, pinReleaseImages } from '../src/prod-overlay.ts';
import { UpdaterError } from '../src/updater-error.ts';

const PROD = readFileSync(join(import.meta.dirname, '../../../k8s/overlays/prod/kustomization.yaml'), 'utf8');
// Every image a manifest names: the overlay must pin each one it lists from these.
const SERVICES = RELEASE_SERVICES;
const images = (hex: string) =>
  SERVICES.map((s) => ({ name: `ghcr.io/anchorpost/${s}`, digest: `sha256:${hex.repeat(64)}` }));

describe('pinReleaseImages (the prod overlay)', () => {
  it('sets the digest of every image the overlay lists, keeps comments, reports the rest', () => {
    const change = pinReleaseImages(PROD, images('e'));
    assert.equal(change.pinned.length, 7);
    assert.deepEqual(change.unlisted, ['ghcr.io/anchorpost/updater']);
    assert.ok(overlayPins(change.text).every((pin) => pin.endsWith(`@sha256:${'e'.repeat(64)}`)));
    assert.equal(
      change.text.split('\n').filter((l) => l.trimStart().startsWith('#')).length,
      PROD.split('\n').filter((l) => l.trimStart().startsWith('#')).length,
    );
    assert.equal(
      pinReleaseImages(change.text, images('e')).text,
      change.text,
      'pinning twice changes nothing',
    );
  });

  it('refuses an overlay that pins an image the manifest has no digest for', () => {
    assert.throws(
      () =>
        pinReleaseImages(
          PROD,
          images('e').filter((i) => !i.name.endsWith('/parser')),
        ),
      (error: unknown) =>
        error instanceof UpdaterError && error.code === 'OVERLAY_IMAGE_NOT_IN_MANIFEST' && !error.retryable,
    );
  });

  it('refuses a kustomization without an images list', () => {
    assert.throws(
      () => pinReleaseImages('kind: Kustomization\n', images('e')),
      (error: unknown) => error instanceof UpdaterError && error.code === 'BAD_OVERLAY',
    );
  });
});
