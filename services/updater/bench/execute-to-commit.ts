/**
 * The time from a release's `execute` to its commit on the GitOps `release` branch:
 * `npm run bench -w @anchorpost/updater-service`. The release pipeline of the release-flow test
 * (test/release-pipeline.ts: anvil with the release governance, embedded storage and PGlite, a
 * bare Git remote, kustomize + kubeconform, the Argo CD API test double) with one updater running
 * in the background, as the service runs it. ANCHORPOST_BENCH_RELEASES releases (default 5, at
 * most 50), one after another, each proposed, voted, queued, reviewed (its verdict) and executed;
 * from the execute transaction's receipt the chain makes a block every ANCHORPOST_BENCH_BLOCK_MS
 * (default 250) and the bench times the commit's arrival on `release` in the bare remote, then
 * waits for Argo CD's running digests before the next release.
 *
 * The same-run baseline is what the chain and git impose on any follower: the time from the
 * receipt to the block that gives the execute block the updater's confirmation depth, plus a bare
 * `git fetch` / edit / signed `git commit` / `git push` of the same overlay change (the same pins,
 * the same SSH key) to the same remote, from a clone kept between releases as the updater keeps its
 * own (made and fetched once before any timing; pushed to a branch of its own, so the updater
 * never sees it). With few releases p99 is the slowest one. Writes
 * bench-results/updater-execute-to-commit.json.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PublishedManifest } from '@anchorpost/release';
import { pinReleaseImages, runCommand } from '@anchorpost/updater-core';
import { k8sTools } from '@anchorpost/updater-core/testing';
import { BenchReport } from '../../../scripts/bench-report.ts';
import { REPO, startReleasePipeline, until } from '../test/release-pipeline.ts';
import type { ReleasePipeline } from '../test/release-pipeline.ts';

const setting = (name: string, fallback: number, max: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1 || value > max)
    throw new Error(`${name}: 1…${max}, got ${value}`);
  return value;
};
const RELEASES = setting('ANCHORPOST_BENCH_RELEASES', 5, 50);
const BLOCK_MS = setting('ANCHORPOST_BENCH_BLOCK_MS', 250, 60_000);
const POLL_MS = setting('ANCHORPOST_BENCH_POLL_MS', 50, 60_000);
const DEPTH = 3;
const OVERLAY = 'k8s/overlays/prod/kustomization.yaml';

const tools = k8sTools(REPO, { ...process.env, ANCHORPOST_REQUIRE_K8S_TOOLS: '1' });
if ('skip' in tools) throw new Error(tools.skip);

async function git(args: readonly string[], cwd: string, input?: string): Promise<string> {
  const result = await runCommand('git', ['-C', cwd, ...args], input === undefined ? {} : { input });
  if (result.code !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/** The `release` tip in the bare remote, read from its ref file (no process per poll). */
async function releaseTip(p: ReleasePipeline): Promise<string> {
  const file = join(p.remote.remote, 'refs/heads/release');
  return existsSync(file) ? (await readFile(file, 'utf8')).trim() : p.releaseTip();
}

/** The baseline's clone, made and fetched once before any timing (the updater's is warm too). */
async function baselineClone(p: ReleasePipeline): Promise<string> {
  const clone = join(p.dir, 'baseline-clone');
  await mkdir(clone, { recursive: true });
  await git(['init', '-q'], clone);
  await git(['remote', 'add', 'origin', p.remote.remote], clone);
  await git(['fetch', '-q', 'origin', '+refs/heads/release:refs/remotes/origin/release'], clone);
  return clone;
}

/** Git's share of the baseline: the same overlay change, fetched, signed, committed and pushed. */
async function bareGitCommit(p: ReleasePipeline, clone: string, m: PublishedManifest): Promise<number> {
  const started = performance.now();
  await git(['fetch', '-q', 'origin', '+refs/heads/release:refs/remotes/origin/release'], clone);
  await git(['checkout', '-q', '-f', '-B', 'bench-baseline', 'refs/remotes/origin/release'], clone);
  const file = join(clone, OVERLAY);
  await writeFile(
    file,
    pinReleaseImages(await readFile(file, 'utf8'), Object.values(m.manifest.images)).text,
  );
  await git(['add', '--', OVERLAY], clone);
  const signing = ['-c', 'gpg.format=ssh', '-c', `user.signingkey=${p.remote.signingKeyFile}`];
  const identity = ['-c', 'user.name=bench', '-c', `user.email=${p.remote.authorEmail}`];
  await git([...signing, ...identity, 'commit', '-q', '-S', '-F', '-'], clone, `bench ${m.cid}\n`);
  await git(['push', '-q', '--force', 'origin', 'HEAD:refs/heads/bench-baseline'], clone);
  return performance.now() - started;
}

interface Sample {
  readonly executeToCommitMs: number;
  readonly chainMs: number;
  readonly gitMs: number;
}

/** One release, its verdict given; times from the execute receipt, blocks at BLOCK_MS meanwhile. */
async function release(p: ReleasePipeline, version: number, clone: string): Promise<Sample> {
  const m = await p.manifest(version);
  const approval = p.approvalOf(m);
  const proposalId = await p.voted(approval);
  await until('the verdict', async () => (await p.steps(proposalId)).includes('verdict:ok'));
  const gitMs = await bareGitCommit(p, clone, m);
  const tip = await releaseTip(p);

  await p.execute(approval);
  const executed = performance.now();
  let chainMs = Number.NaN;
  const committed = new AbortController();
  const blocks = (async () => {
    for (let mined = 0; !committed.signal.aborted;) {
      await sleep(BLOCK_MS);
      await p.mine(1);
      mined += 1;
      if (mined === DEPTH - 1) chainMs = performance.now() - executed;
    }
  })();
  await until('the release commit', async () => (await releaseTip(p)) !== tip, 120_000, 5);
  const executeToCommitMs = performance.now() - executed;
  committed.abort();
  await blocks;
  await until('the running digests', async () => (await p.steps(proposalId)).includes('running:ok'));
  return { executeToCommitMs, chainMs, gitMs };
}

const quantile = (values: readonly number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(q * sorted.length) - 1]!;
};

const report = new BenchReport('updater-execute-to-commit');
const p = await startReleasePipeline({ dryRun: tools.dryRun, depth: DEPTH, pollIntervalMs: POLL_MS });
const updater = p.updater();
const samples: Sample[] = [];
try {
  const clone = await baselineClone(p);
  updater.start();
  for (let version = 1; version <= RELEASES; version++) samples.push(await release(p, version, clone));
} finally {
  await updater.stop();
  await p.close();
}

const settings = { releases: RELEASES, blockMs: BLOCK_MS, depth: DEPTH, pollMs: POLL_MS };
const floors = samples.map((s) => s.chainMs + s.gitMs);
for (const [label, q] of [
  ['p50', 0.5],
  ['p99', 0.99],
] as const) {
  report.row({
    path: `updater: execute → commit on release, ${label}`,
    measured: quantile(
      samples.map((s) => s.executeToCommitMs),
      q,
    ),
    unit: 'ms',
    baseline: {
      label: `chain to depth ${DEPTH} at ${BLOCK_MS} ms/block + bare git fetch/commit -S/push, ${label}`,
      value: quantile(floors, q),
    },
    details: {
      ...settings,
      chainMs: quantile(
        samples.map((s) => s.chainMs),
        q,
      ),
      gitMs: quantile(
        samples.map((s) => s.gitMs),
        q,
      ),
      ...(label === 'p50' ? { samples } : {}),
    },
  });
}
await report.finish();
