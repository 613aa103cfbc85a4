/**
 * The release commit against a real bare remote: signed, with its trailers, only the prod
 * overlay's digests changed; idempotent by trailer (an updater killed after its push makes no
 * second commit); a push that loses a race to someone else's commit is retried on top of it, which
 * stays on the branch (never a force push).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RELEASE_SERVICES } from '@anchorpost/release';
import { runCommand } from '../src/command.ts';
import type { CommandRunner } from '../src/command.ts';
import { GitCliRepository } from '../src/git-cli-repository.ts';
import type { ReleaseChange } from '../src/gitops-repository.ts';
import { overlayPins } from '../src/prod-overlay.ts';
import { UpdaterError } from '../src/updater-error.ts';
import { createGitOpsRemote } from '../src/testing/index.ts';
import type { GitOpsRemote } from '../src/testing/index.ts';

const REPO = join(import.meta.dirname, '../../..');
// Every image a manifest names: the overlay must pin each one it lists from these.
const SERVICES = RELEASE_SERVICES;

function change(proposalId: string, salt: string): ReleaseChange {
  return {
    proposalId,
    manifestCid: `bafkreimanifest${salt}`,
    manifestSha256: salt.padEnd(64, '0'),
    version: '3',
    rollback: false,
    images: SERVICES.map((s) => ({
      name: `ghcr.io/anchorpost/${s}`,
      digest: `sha256:${Buffer.from(`${s}${salt}`.padEnd(32, '.')).toString('hex')}`,
    })),
  };
}

describe('GitCliRepository', () => {
  let dir: string;
  let remote: GitOpsRemote;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'updater-git-'));
    remote = await createGitOpsRemote(dir, REPO);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const repository = (workDir: string, run?: CommandRunner) =>
    new GitCliRepository({
      remote: remote.remote,
      workDir: join(dir, workDir),
      signingKeyFile: remote.signingKeyFile,
      author: { name: 'Anchorpost updater', email: remote.authorEmail },
      ...(run === undefined ? {} : { run }),
    });

  const trailerCount = async (proposalId: string) =>
    (await remote.git(['log', '--format=%(trailers:key=Anchorpost-Proposal,valueonly)', 'release']))
      .split('\n')
      .filter((line) => line.trim() === proposalId).length;

  it('commits the digests to the prod overlay, signed, with the proposal and manifest trailers', async () => {
    const release = change('101', 'a');
    const result = await repository('wt1').commitRelease(release);
    assert.equal(result.alreadyThere, false);
    assert.equal(result.attempts, 1);
    assert.deepEqual(result.unlisted, ['ghcr.io/anchorpost/updater'], 'the chart deploys no updater yet');
    assert.equal(await remote.git(['rev-parse', 'release']).then((s) => s.trim()), result.commit);
    const message = await remote.git(['log', '-1', '--format=%B', result.commit]);
    assert.match(message, /^Anchorpost-Proposal: 101$/m);
    assert.match(message, /^Anchorpost-Manifest: bafkreimanifesta$/m);
    const files = await remote.git(['show', '--name-only', '--format=', result.commit]);
    assert.deepEqual(files.trim().split('\n'), ['k8s/overlays/prod/kustomization.yaml']);
    const overlay = await remote.git(['show', `${result.commit}:k8s/overlays/prod/kustomization.yaml`]);
    assert.deepEqual(
      [...overlayPins(overlay)].sort(),
      release.images
        .filter((i) => !i.name.endsWith('/updater'))
        .map((i) => `${i.name}@${i.digest}`)
        .sort(),
    );
    assert.match(overlay, /# The released images, by digest/, 'comments survive');
    const verify = await runCommand('git', [
      '-C',
      remote.remote,
      '-c',
      `gpg.ssh.allowedSignersFile=${remote.allowedSignersFile}`,
      'verify-commit',
      result.commit,
    ]);
    assert.equal(verify.code, 0, verify.stderr);
    assert.match(verify.stderr, /Good "git" signature/);
  });

  it('is idempotent: a second updater (a fresh clone) finds the trailer and commits nothing', async () => {
    const before_ = (await remote.git(['rev-parse', 'release'])).trim();
    const result = await repository('wt2').commitRelease(change('101', 'a'));
    assert.equal(result.alreadyThere, true);
    assert.equal((await remote.git(['rev-parse', 'release'])).trim(), before_);
    assert.equal(await trailerCount('101'), 1);
  });

  it('an updater killed right after its push leaves one commit; the restarted one finds it', async () => {
    const crashing: CommandRunner = async (file, args, options) => {
      const result = await runCommand(file, args, options);
      if (args.includes('push')) throw new Error('killed after the push');
      return result;
    };
    await assert.rejects(
      repository('wt3', crashing).commitRelease(change('102', 'b')),
      /killed after the push/,
    );
    const result = await repository('wt3').commitRelease(change('102', 'b'));
    assert.equal(result.alreadyThere, true);
    assert.equal(await trailerCount('102'), 1);
  });

  it('a push that loses the race to someone else is redone on top of their commit, which stays', async () => {
    let raced = false;
    const racing: CommandRunner = async (file, args, options) => {
      if (args.includes('push') && !raced) {
        raced = true;
        await remote.pushOtherCommit(
          'k8s/overlays/prod/values.yaml',
          '# changed by someone else\n',
          'prod: a value by hand',
        );
      }
      return runCommand(file, args, options);
    };
    const result = await repository('wt4', racing).commitRelease(change('103', 'c'));
    assert.equal(result.attempts, 2);
    const history = (await remote.git(['log', '--format=%s', '-2', 'release'])).trim().split('\n');
    assert.match(history[0]!, /^prod: release version 3/);
    assert.equal(history[1], 'prod: a value by hand');
    assert.equal(
      await remote.git(['show', 'release:k8s/overlays/prod/values.yaml']),
      '# changed by someone else\n',
      'their change is kept',
    );
    assert.equal(await trailerCount('103'), 1);
  });

  it('gives up with PUSH_RACE_LOST (retryable) when every push loses, and never forces', async () => {
    let n = 0;
    const alwaysRacing: CommandRunner = async (file, args, options) => {
      if (args.includes('push')) {
        n += 1;
        await remote.pushOtherCommit('k8s/overlays/prod/values.yaml', `# edit ${n}\n`, `edit ${n}`);
        assert.ok(!args.includes('--force') && !args.some((a) => a.startsWith('+')), 'never a forced push');
      }
      return runCommand(file, args, options);
    };
    const repo = new GitCliRepository({
      remote: remote.remote,
      workDir: join(dir, 'wt5'),
      signingKeyFile: remote.signingKeyFile,
      author: { name: 'Anchorpost updater', email: remote.authorEmail },
      run: alwaysRacing,
      maxPushAttempts: 3,
    });
    await assert.rejects(repo.commitRelease(change('104', 'd')), (error: unknown) => {
      assert.ok(error instanceof UpdaterError);
      assert.equal(error.code, 'PUSH_RACE_LOST');
      assert.equal(error.retryable, true);
      return true;
    });
    assert.equal(await trailerCount('104'), 0);
  });
});
