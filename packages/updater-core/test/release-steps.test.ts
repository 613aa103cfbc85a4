/**
 * The commit step alone, on test doubles of its ports: a release committed while an older one is
 * still followed closes the older one as superseded (Argo CD syncs the branch's tip, so the older
 * commit will never be the one running); and nothing is committed while the registry is paused.
 * Then the step that follows Argo CD after the commit: a cluster synced at the commit but running
 * other digests is logged as a mismatch, and a deploy that does not sync in time as stuck, once.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { buildReleaseManifest, keyIdOf, RELEASE_SERVICES } from '@anchorpost/release';
import type { ContentStore } from '@anchorpost/storage-port';
import type { GovernanceChain, RegistryState } from '../src/governance-chain.ts';
import type { ApplicationStatus, ArgoCdApi } from '../src/argo-cd.ts';
import type { GitOpsRepository, ReleaseChange } from '../src/gitops-repository.ts';
import { stepProposal } from '../src/release-steps.ts';
import type { ReleaseStepDeps } from '../src/release-steps.ts';
import { MemoryUpdaterStoreTestDouble } from '../src/testing/index.ts';

const key = generateKeyPairSync('ed25519');

async function setUp(paused: boolean) {
  const published = await buildReleaseManifest({
    version: 2,
    rollback: false,
    source: { repository: 'https://github.com/anchorpost/anchorpost', commit: 'b'.repeat(40) },
    chart: { name: 'anchorpost', version: '0.1.0' },
    images: Object.fromEntries(
      RELEASE_SERVICES.map((s) => [
        s,
        { name: `ghcr.io/anchorpost/${s}`, digest: `sha256:${'2'.repeat(64)}` },
      ]),
    ) as Parameters<typeof buildReleaseManifest>[0]['images'],
    builderId: 'https://ci.example/release',
    signingKey: key.privateKey,
  });
  const registry: RegistryState = {
    currentVersion: 1n,
    highestVersion: 1n,
    paused,
    pausedUntil: paused ? 99n : 0n,
  };
  const chainTestDouble = { registry: () => Promise.resolve(registry) } as unknown as GovernanceChain;
  const contentTestDouble = { getFile: () => Promise.resolve(published.bytes) } as unknown as ContentStore;
  const commits: ReleaseChange[] = [];
  const gitopsTestDouble = {
    commitRelease: (change: ReleaseChange) => {
      commits.push(change);
      return Promise.resolve({ commit: 'c2', alreadyThere: false, attempts: 1, pinned: [], unlisted: [] });
    },
  } as unknown as GitOpsRepository;
  const store = new MemoryUpdaterStoreTestDouble();
  await store.save({ proposalId: 'older', phase: 'committed', commit: 'c1', committedAt: 0 });
  const approved = {
    proposalId: 'newer',
    phase: 'approved' as const,
    approval: { manifestSha256: published.sha256, manifestCid: published.cid, version: '2', rollback: false },
    queuedBlock: 10,
    approvedBlock: 20,
    verdict: { ok: true, reason: 'passed', pins: [] },
  };
  await store.save(approved);
  const deps = {
    chain: chainTestDouble,
    content: contentTestDouble,
    gitops: gitopsTestDouble,
    store,
    trustedKeys: [{ keyId: keyIdOf(key.publicKey), publicKey: key.publicKey }],
    storageTimeoutMs: 1_000,
    application: 'anchorpost-prod',
    deployStuckAfterMs: 60_000,
    now: () => 1_000,
  } as unknown as ReleaseStepDeps;
  return { deps, store, approved, commits };
}

describe('the commit step', () => {
  it('closes an older release still followed as superseded by the new commit', async () => {
    const { deps, store, approved, commits } = await setUp(false);
    await stepProposal(deps, approved);
    assert.equal(commits.length, 1);
    assert.equal((await store.proposal('newer'))?.phase, 'committed');
    assert.equal((await store.proposal('older'))?.phase, 'done');
    const superseded = (await store.deployLog()).find((e) => e.proposalId === 'older');
    assert.equal(superseded?.code, 'SUPERSEDED');
    assert.equal(superseded.detail['by'], 'newer');
  });

  it('commits nothing while the registry is paused, and says so once', async () => {
    const { deps, store, approved, commits } = await setUp(true);
    await stepProposal(deps, approved);
    await stepProposal(deps, (await store.proposal('newer'))!);
    assert.equal(commits.length, 0);
    assert.equal((await store.proposal('newer'))?.phase, 'approved');
    assert.deepEqual(
      (await store.deployLog()).map((e) => `${e.step}:${e.code ?? ''}`),
      ['held:REGISTRY_PAUSED'],
    );
  });
});

describe('following Argo CD after the commit', () => {
  const pins = [
    'ghcr.io/anchorpost/relay@sha256:' + '2'.repeat(64),
    'ghcr.io/anchorpost/batcher@sha256:' + '2'.repeat(64),
  ];
  const committed = {
    proposalId: 'p',
    phase: 'committed' as const,
    commit: 'c2',
    committedAt: 0,
    verdict: { ok: true, reason: 'passed', pins },
  };

  async function follow(status: ApplicationStatus, nowMs: number, times = 1) {
    const { deps, store } = await setUp(false);
    const argoCdTestDouble: ArgoCdApi = { application: () => Promise.resolve(status) };
    await store.save(committed);
    for (let i = 0; i < times; i++) {
      await stepProposal(
        { ...deps, argoCd: argoCdTestDouble, now: () => nowMs },
        (await store.proposal('p'))!,
      );
    }
    const log = (await store.deployLog()).filter((e) => e.proposalId === 'p');
    return { record: await store.proposal('p'), log };
  }

  it('logs a running-digest mismatch when the synced cluster runs another digest than the release pins', async () => {
    const drifted = `ghcr.io/anchorpost/batcher@sha256:${'9'.repeat(64)}`;
    const { record, log } = await follow(
      { sync: 'Synced', health: 'Healthy', revision: 'c2', images: [pins[0]!, drifted] },
      1_000,
    );
    assert.equal(record?.phase, 'done');
    assert.deepEqual(
      log.map((e) => `${e.step}:${e.outcome}:${e.code ?? ''}`),
      ['sync:ok:', 'running:mismatch:RUNNING_DIGEST_MISMATCH'],
    );
    assert.equal(log[1]!.detail['missing'], pins[1]);
    assert.equal(log[1]!.detail['unexpected'], drifted);
  });

  it('waits for the sync, then logs a deploy stuck past its time once, and keeps following it', async () => {
    const progressing: ApplicationStatus = {
      sync: 'OutOfSync',
      health: 'Progressing',
      revision: 'c1',
      images: [],
    };
    assert.deepEqual((await follow(progressing, 59_000)).log, [], 'within the time: nothing to say');
    const { record, log } = await follow(progressing, 61_000, 3);
    assert.equal(record?.phase, 'committed');
    assert.deepEqual(
      log.map((e) => `${e.step}:${e.outcome}:${e.code ?? ''}`),
      ['stuck:stuck:DEPLOY_STUCK'],
    );
    assert.equal(log[0]!.detail['revision'], 'c1');
  });

  it('does not take a sync at another revision for the release', async () => {
    const { record, log } = await follow(
      { sync: 'Synced', health: 'Healthy', revision: 'c1', images: pins },
      1_000,
    );
    assert.equal(record?.phase, 'committed');
    assert.deepEqual(log, []);
  });
});
