/**
 * The verifier, attack by attack: each forged or mismatched release is refused with its own code,
 * and the honest one passes — with Ed25519 and with ECDSA P-256 builder keys.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { cidForBytes } from '@anchorpost/protocol';
import { publishedManifest } from '../src/build-manifest.ts';
import type { PublishedManifest } from '../src/build-manifest.ts';
import { signBundle, trustedKeyFromPem } from '../src/bundle.ts';
import type { TrustedKey } from '../src/bundle.ts';
import { canonicalJsonBytes } from '../src/canonical-json.ts';
import { provenanceStatement } from '../src/provenance.ts';
import { ReleaseError } from '../src/release-error.ts';
import { verifyReleaseManifest } from '../src/verify-manifest.ts';
import type { ProposedRelease, RegistryVersions } from '../src/verify-manifest.ts';
import {
  build,
  COMMIT,
  digestFor,
  draftOf,
  keyPair,
  loose,
  proposalOf,
  releaseInput,
  REPOSITORY,
} from './fixture.ts';
import type { ManifestDraft } from './fixture.ts';

const AFTER_SIX: RegistryVersions = { currentVersion: 6n, highestVersion: 6n };

async function refused(promise: Promise<unknown>, code: string, field?: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ReleaseError, String(error));
    assert.equal(error.code, code, error.message);
    assert.equal(error.retryable, false);
    if (field !== undefined) assert.equal(error.field, field);
    return true;
  });
}

/** The same manifest with `change` applied, re-serialized canonically (a different, well-formed manifest). */
async function altered(
  published: PublishedManifest,
  change: (m: ManifestDraft) => void,
): Promise<PublishedManifest> {
  const draft = draftOf(published);
  change(draft);
  return publishedManifest(canonicalJsonBytes(draft));
}

describe('verifyReleaseManifest', () => {
  const builder = keyPair('ed25519');
  const attacker = keyPair('ed25519');
  let honest: PublishedManifest;
  let trustedKeys: TrustedKey[];
  const verify = (
    published: PublishedManifest,
    proposal: ProposedRelease = proposalOf(published),
    registry = AFTER_SIX,
  ) => verifyReleaseManifest({ bytes: published.bytes, proposal, registry, trustedKeys });

  before(async () => {
    honest = await build(releaseInput(builder.privateKey));
    trustedKeys = [builder.trusted];
  });

  it('accepts the honest release, signed with Ed25519 or ECDSA P-256', async () => {
    const verified = await verify(honest);
    assert.equal(verified.sha256, honest.sha256);
    assert.equal(honest.cid, await cidForBytes(honest.bytes));
    const p256 = keyPair('p256');
    const signed = await build(releaseInput(p256.privateKey));
    await verifyReleaseManifest({
      bytes: signed.bytes,
      proposal: proposalOf(signed),
      registry: AFTER_SIX,
      trustedKeys: [p256.trusted],
    });
  });

  it('refuses bytes whose CID is not the one proposed', async () => {
    const other = await build(releaseInput(builder.privateKey, { version: 8 }));
    await refused(verify(honest, { ...proposalOf(honest), manifestCid: other.cid }), 'CID_MISMATCH');
  });

  it('refuses bytes whose SHA-256 is not the one proposed (a manifest swapped after the vote)', async () => {
    const swapped = await build(
      releaseInput(builder.privateKey, {
        images: {
          ...releaseInput(builder.privateKey).images,
          relay: { name: 'ghcr.io/anchorpost/relay', digest: digestFor('evil') },
        },
      }),
    );
    await refused(verify(swapped, proposalOf(honest)), 'SHA256_MISMATCH');
  });

  it('refuses images signed by an untrusted key, and a trusted key id on a forged signature', async () => {
    const forged = await build(releaseInput(attacker.privateKey));
    await refused(verify(forged), 'UNTRUSTED_SIGNER', 'images.relay.bundle.dsseEnvelope.signatures');
    const borrowed = await altered(forged, (m) => {
      for (const image of Object.values(m.images)) {
        image.bundle.verificationMaterial.publicKey.hint = builder.trusted.keyId;
        image.bundle.dsseEnvelope.signatures[0]!.keyid = builder.trusted.keyId;
      }
    });
    await refused(verify(borrowed), 'BAD_SIGNATURE', 'images.relay.bundle.dsseEnvelope.signatures');
  });

  it('refuses a signed statement whose payload was changed', async () => {
    const tampered = await altered(honest, (m) => {
      const envelope = m.images.batcher.bundle.dsseEnvelope;
      const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as {
        predicate: { runDetails: { builder: { id: string } } };
      };
      statement.predicate.runDetails.builder.id = 'https://evil.example/builder';
      envelope.payload = Buffer.from(JSON.stringify(statement)).toString('base64');
    });
    await refused(verify(tampered), 'BAD_SIGNATURE', 'images.batcher.bundle.dsseEnvelope.signatures');
  });

  it('refuses an image whose provenance is about another digest (the digest swapped after signing)', async () => {
    const swapped = await altered(honest, (m) => {
      m.images.anchorer.digest = digestFor('anchorer', 'other build');
    });
    await refused(verify(swapped), 'SUBJECT_MISMATCH', 'images.anchorer.bundle.dsseEnvelope.payload');
  });

  it('refuses images built from another commit than the manifest names', async () => {
    const otherCommit = await altered(honest, (m) => {
      m.source.commit = 'f'.repeat(40);
    });
    await refused(verify(otherCommit), 'SOURCE_MISMATCH', 'images.relay.bundle.dsseEnvelope.payload');
    // One image signed honestly, but for a build of another commit.
    const statement = provenanceStatement({
      image: { name: 'ghcr.io/anchorpost/parser', digest: honest.manifest.images.parser.digest },
      source: { repository: REPOSITORY, commit: 'e'.repeat(40) },
      target: 'parser',
      builderId: 'https://github.com/anchorpost/anchorpost/.github/workflows/release.yaml@refs/heads/main',
    });
    const mixed = await altered(honest, (m) => {
      loose(m.images.parser).bundle = signBundle(canonicalJsonBytes(statement), builder.privateKey);
    });
    await refused(verify(mixed), 'SOURCE_MISMATCH', 'images.parser.bundle.dsseEnvelope.payload');
    assert.notEqual(COMMIT, 'e'.repeat(40));
  });

  it('refuses a signed payload that is not an in-toto SLSA provenance statement', async () => {
    const notProvenance = await altered(honest, (m) => {
      loose(m.images.relay).bundle = signBundle(
        canonicalJsonBytes({
          _type: 'https://in-toto.io/Statement/v1',
          subject: [],
          predicateType: 'https://spdx.dev/Document',
        }),
        builder.privateKey,
      );
    });
    await refused(verify(notProvenance), 'BAD_STATEMENT');
  });

  it('refuses a downgrade without rollback, and a rollback that does not go back', async () => {
    await refused(
      verify(honest, proposalOf(honest), { currentVersion: 7n, highestVersion: 7n }),
      'DOWNGRADE',
      'version',
    );
    await refused(
      verify(honest, proposalOf(honest), { currentVersion: 5n, highestVersion: 9n }),
      'DOWNGRADE',
      'version',
    );
    const rollback = await build(releaseInput(builder.privateKey, { version: 5, rollback: true }));
    await verify(rollback, proposalOf(rollback), { currentVersion: 6n, highestVersion: 6n });
    await refused(
      verify(rollback, proposalOf(rollback), { currentVersion: 5n, highestVersion: 6n }),
      'NOT_A_ROLLBACK',
    );
  });

  it('refuses a manifest whose version or kind is not what the proposal approves', async () => {
    await refused(verify(honest, { ...proposalOf(honest), version: 8n }), 'VERSION_MISMATCH', 'version');
    await refused(verify(honest, { ...proposalOf(honest), rollback: true }), 'ROLLBACK_MISMATCH', 'rollback');
  });

  it('takes trusted keys as PEM, Ed25519 and P-256 only', () => {
    const pem = builder.trusted.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    assert.equal(trustedKeyFromPem(pem).keyId, builder.trusted.keyId);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    assert.throws(
      () => trustedKeyFromPem(rsa),
      (e: unknown) => e instanceof ReleaseError && e.code === 'BAD_KEY',
    );
    assert.throws(
      () => trustedKeyFromPem('not a key'),
      (e: unknown) => e instanceof ReleaseError && e.code === 'BAD_KEY',
    );
  });
});
