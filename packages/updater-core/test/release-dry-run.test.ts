/**
 * The dry run with the real tools (scripts/install-k8s-tools.sh and make-k8s-schemas.sh put them
 * in the tools folder; without them this file skips, unless ANCHORPOST_REQUIRE_K8S_TOOLS=1).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RELEASE_SERVICES } from '@anchorpost/release';
import { runCommand } from '../src/command.ts';
import { GitCliRepository } from '../src/git-cli-repository.ts';
import { KustomizeDryRun } from '../src/release-dry-run.ts';
import { UpdaterError } from '../src/updater-error.ts';
import { createGitOpsRemote, k8sTools } from '../src/testing/index.ts';

const REPO = join(import.meta.dirname, '../../..');
// Every image a manifest names: the overlay must pin each one it lists from these.
const SERVICES = RELEASE_SERVICES;
const images = SERVICES.map((s) => ({ name: `ghcr.io/anchorpost/${s}`, digest: `sha256:${'7'.repeat(64)}` }));
const tools = k8sTools(REPO);

describe('KustomizeDryRun', { skip: 'skip' in tools ? tools.skip : false }, () => {
  let dir: string;
  let repository: GitCliRepository;
  let dryRun: KustomizeDryRun;
  before(async () => {
    if ('skip' in tools) return;
    dir = await mkdtemp(join(tmpdir(), 'updater-dry-run-'));
    const remote = await createGitOpsRemote(dir, REPO);
    repository = new GitCliRepository({
      remote: remote.remote,
      workDir: join(dir, 'work'),
      signingKeyFile: remote.signingKeyFile,
      author: { name: 'Anchorpost updater', email: remote.authorEmail },
    });
    dryRun = new KustomizeDryRun(tools.dryRun);
  });
  after(async () => {
    if (!('skip' in tools)) await rm(dir, { recursive: true, force: true });
  });

  it('renders prod with the new digests, validates it strictly, and finds exactly them in the render', async () => {
    const result = await repository.withCheckout((checkout) => dryRun.check(checkout, images));
    assert.equal(result.pinned.length, 7);
    assert.deepEqual(result.unlisted, ['ghcr.io/anchorpost/updater']);
  });

  it('refuses an overlay kustomize cannot build (DRY_RUN_FAILED, final)', async () => {
    await assert.rejects(
      repository.withCheckout(async (checkout) => {
        const file = join(checkout, 'k8s/overlays/prod/kustomization.yaml');
        await writeFile(file, (await readFile(file, 'utf8')).replace('- ../../base', '- ../../missing'));
        return dryRun.check(checkout, images);
      }),
      (error: unknown) =>
        error instanceof UpdaterError && error.code === 'DRY_RUN_FAILED' && !error.retryable,
    );
  });

  it('leaves no checkout behind', async () => {
    assert.ok(existsSync(join(dir, 'work/.git')));
    const worktrees = await runCommand('git', ['-C', join(dir, 'work'), 'worktree', 'list', '--porcelain']);
    assert.equal(worktrees.stdout.match(/^worktree /gm)?.length, 1);
  });
});
