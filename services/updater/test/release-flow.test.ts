/**
 * The release pipeline on one machine: anvil with the release governance, the manifest on the
 * embedded storage, PostgreSQL (the embedded PGlite) for the updater's state and deploy log, a bare
 * Git repository seeded with k8s/ and charts/ as the GitOps remote, kustomize + kubeconform for the
 * dry run, and the Argo CD API test double. One chain, one release after another:
 *   a release from proposal to running digests (and the time from execute to commit, measured);
 *   an execute undone by a reorg before confirmation depth; refusals and ignored proposals, each
 *   with its code in the deploy log and a metric; a pause that holds a release; an updater killed
 *   after its push, racing another pusher.
 */
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Database, EmbeddedPostgres } from '@anchorpost/db';
import { createDatabase, EMBEDDED_POOL_SIZE, migrate, startEmbeddedPostgres } from '@anchorpost/db';
import { buildReleaseManifest, keyIdOf, RELEASE_SERVICES } from '@anchorpost/release';
import type { PublishedManifest, TrustedKey } from '@anchorpost/release';
import type { ReleaseApproval } from '@anchorpost/release-governance';
import { startReleaseGovernanceTestChain } from '@anchorpost/release-governance/testing';
import type { ReleaseGovernanceTestChain } from '@anchorpost/release-governance/testing';
import { createLogger, ServiceMetrics } from '@anchorpost/service-kit';
import { openHeliaContentStore } from '@anchorpost/storage';
import type { HeliaContentStore } from '@anchorpost/storage';
import {
  ArgoCdHttpApi,
  GitCliRepository,
  KustomizeDryRun,
  renderedImages,
  runCommand,
  Updater,
  verifyDeployLog,
} from '@anchorpost/updater-core';
import type { CommandRunner, DeployLogEntry } from '@anchorpost/updater-core';
import { ArgoCdApiTestDouble, createGitOpsRemote, k8sTools } from '@anchorpost/updater-core/testing';
import type { GitOpsRemote } from '@anchorpost/updater-core/testing';
import { EvmGovernanceChain } from '../src/evm-governance-chain.ts';
import { PostgresUpdaterStore } from '../src/postgres-updater-store.ts';
import { updaterReporting } from '../src/updater-reporting.ts';
import { UPDATER_METRICS } from '../src/updater-metrics.ts';

const REPO = join(import.meta.dirname, '../../..');
const DEPTH = 3;
const TOKEN = 'argocd-project-role-token';
const tools = k8sTools(REPO);

function keyPair(): { privateKey: KeyObject; trusted: TrustedKey } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, trusted: { keyId: keyIdOf(publicKey), publicKey } };
}

describe(
  'the release pipeline, vote to running digests',
  { skip: 'skip' in tools ? tools.skip : false },
  () => {
    let dir: string;
    let chain: ReleaseGovernanceTestChain;
    let content: HeliaContentStore;
    let postgres: EmbeddedPostgres;
    let database: Database;
    let store: PostgresUpdaterStore;
    let remote: GitOpsRemote;
    let argo: ArgoCdApiTestDouble;
    const builder = keyPair();
    const attacker = keyPair();
    const metrics = new ServiceMetrics('updater', UPDATER_METRICS);
    let workDirs = 0;
    let reorgs = 0;
    const reporting = updaterReporting(metrics, createLogger('updater', { level: 'silent' }));

    before(async () => {
      if ('skip' in tools) return;
      dir = await mkdtemp(join(tmpdir(), 'updater-flow-'));
      chain = await startReleaseGovernanceTestChain();
      content = await openHeliaContentStore({ dir: join(dir, 'ipfs') });
      postgres = await startEmbeddedPostgres();
      await migrate(postgres.databaseUrl);
      database = createDatabase({ databaseUrl: postgres.databaseUrl, poolSize: EMBEDDED_POOL_SIZE });
      store = new PostgresUpdaterStore(database.prisma);
      remote = await createGitOpsRemote(dir, REPO);
      argo = await ArgoCdApiTestDouble.start({
        application: 'anchorpost-prod',
        repository: remote.remote,
        branch: 'release',
        token: TOKEN,
        pollsToSync: 1,
      });
    });
    after(async () => {
      if ('skip' in tools) return;
      await argo.close();
      await database.close();
      await postgres.stop();
      await content.close();
      await chain.close();
      await rm(dir, { recursive: true, force: true });
    });

    /** An updater with its own clone (a fresh process), on the shared database. */
    function updater(run?: CommandRunner): Updater {
      if ('skip' in tools) throw new Error('no tools');
      workDirs += 1;
      return new Updater({
        chain: new EvmGovernanceChain({
          rpc: chain.rpc,
          governor: chain.deployment.governor,
          registry: chain.deployment.registry,
        }),
        store,
        content,
        gitops: new GitCliRepository({
          remote: remote.remote,
          workDir: join(dir, `updater-${workDirs}`),
          signingKeyFile: remote.signingKeyFile,
          author: { name: 'Anchorpost updater', email: remote.authorEmail },
          ...(run === undefined ? {} : { run }),
        }),
        dryRun: new KustomizeDryRun(tools.dryRun),
        argoCd: new ArgoCdHttpApi({ baseUrl: argo.url, token: TOKEN }),
        trustedKeys: [builder.trusted],
        startBlock: 0,
        trustedDepth: DEPTH,
        pollIntervalMs: 50,
        observer: {
          ...reporting,
          reorg: (info) => {
            reorgs += 1;
            reporting.reorg?.(info);
          },
        },
      });
    }

    async function manifest(
      version: number,
      options: { salt?: string; signingKey?: KeyObject; rollback?: boolean } = {},
    ): Promise<PublishedManifest> {
      const salt = options.salt ?? `v${version}`;
      const published = await buildReleaseManifest({
        version,
        rollback: options.rollback ?? false,
        source: {
          repository: 'https://github.com/anchorpost/anchorpost',
          commit: createHash('sha1').update(salt).digest('hex'),
        },
        chart: { name: 'anchorpost', version: '0.1.0' },
        images: Object.fromEntries(
          RELEASE_SERVICES.map((s) => [
            s,
            {
              name: `ghcr.io/anchorpost/${s}`,
              digest: `sha256:${createHash('sha256').update(`${s}/${salt}`).digest('hex')}`,
            },
          ]),
        ) as Parameters<typeof buildReleaseManifest>[0]['images'],
        builderId: 'https://github.com/anchorpost/anchorpost/.github/workflows/release.yaml@refs/heads/main',
        signingKey: options.signingKey ?? builder.privateKey,
      });
      assert.equal(await content.addFile(published.bytes, { pin: true }), published.cid);
      return published;
    }

    const approvalOf = (m: PublishedManifest): ReleaseApproval => ({
      manifestSha256: m.sha256,
      manifestCid: m.cid,
      version: BigInt(m.manifest.version),
      rollback: m.manifest.rollback,
    });

    const mine = (blocks: number) => chain.rpc.request('anvil_mine', [`0x${blocks.toString(16)}`]);

    /** Proposed, voted (two voters, `support`), and — when it passed — queued; then confirmed. */
    async function voted(approval: ReleaseApproval, support: 'for' | 'against' = 'for'): Promise<string> {
      const { proposalId } = await chain.client.propose(chain.voters[0], approval);
      await chain.advanceTime(chain.parameters.votingDelay + 1);
      await chain.client.castVote(chain.voters[0], proposalId, support);
      await chain.client.castVote(chain.voters[1], proposalId, support);
      await chain.advanceTime(chain.parameters.votingPeriod + 1);
      if (support === 'for') await chain.client.queue(chain.voters[0], approval);
      await mine(DEPTH);
      return proposalId;
    }

    async function execute(approval: ReleaseApproval): Promise<void> {
      await chain.advanceTime(chain.parameters.reviewWindow + 1);
      await chain.client.execute(chain.voters[0], approval);
    }

    const logOf = async (proposalId: string): Promise<DeployLogEntry[]> =>
      (await store.deployLog()).filter((entry) => entry.proposalId === proposalId);
    const steps = async (proposalId: string) =>
      (await logOf(proposalId)).map(
        (e) => `${e.step}:${e.outcome}${e.code === undefined ? '' : `:${e.code}`}`,
      );
    const releaseTip = async () => (await remote.git(['rev-parse', 'release'])).trim();
    const trailerCount = async (proposalId: string) =>
      (await remote.git(['log', '--format=%(trailers:key=Anchorpost-Proposal,valueonly)', 'release']))
        .split('\n')
        .filter((line) => line.trim() === proposalId).length;

    async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!(await check())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }

    it('deploys a release: verdict in the review window, commit on release, Synced and Healthy, the voted digests running', async () => {
      const m1 = await manifest(1);
      const approval = approvalOf(m1);
      const proposalId = await voted(approval);
      const u = updater();
      await u.runOnce();
      assert.deepEqual(await steps(proposalId), ['verdict:ok']);
      assert.equal(
        (await chain.client.proposalStatus(proposalId)).state,
        'Queued',
        'the verdict comes during the review window',
      );

      const before_ = await releaseTip();
      u.start();
      try {
        await execute(approval);
        const executedAt = performance.now();
        await mine(DEPTH - 1); // the execute block now has DEPTH confirmations
        await until('the release commit', async () => (await releaseTip()) !== before_);
        const executeToCommitMs = performance.now() - executedAt;
        await until('the running digests', async () => (await steps(proposalId)).includes('running:ok'));
        console.log(
          `execute → commit on release: ${Math.round(executeToCommitMs)} ms (depth ${DEPTH}, poll 50 ms)`,
        );
      } finally {
        await u.stop();
      }
      assert.deepEqual(await steps(proposalId), ['verdict:ok', 'commit:ok', 'sync:ok', 'running:ok']);

      const tip = await releaseTip();
      const message = await remote.git(['log', '-1', '--format=%B', tip]);
      assert.match(message, new RegExp(`^Anchorpost-Proposal: ${proposalId}$`, 'm'));
      assert.match(message, new RegExp(`^Anchorpost-Manifest: ${m1.cid}$`, 'm'));
      const verify = await runCommand('git', [
        '-C',
        remote.remote,
        '-c',
        `gpg.ssh.allowedSignersFile=${remote.allowedSignersFile}`,
        'verify-commit',
        tip,
      ]);
      assert.equal(verify.code, 0, verify.stderr);

      // What Argo CD would apply: kustomize build of prod at the release commit.
      const checkout = join(dir, 'prod-check');
      await runCommand('git', ['clone', '-q', '-b', 'release', remote.remote, checkout]);
      if ('skip' in tools) return;
      const build = await runCommand(join(tools.dryRun.kustomize), [
        'build',
        '--enable-helm',
        '--helm-command',
        tools.dryRun.helm,
        join(checkout, 'k8s/overlays/prod'),
      ]);
      assert.equal(build.code, 0, build.stderr);
      const deployed = RELEASE_SERVICES.filter((s) => s !== 'updater').map(
        (s) => `${m1.manifest.images[s].name}@${m1.manifest.images[s].digest}`,
      );
      assert.deepEqual([...new Set(renderedImages(build.stdout))].sort(), deployed.sort());
    });

    it('changes nothing when a reorg undoes the execute before confirmation depth', async () => {
      const m2 = await manifest(2);
      const approval = approvalOf(m2);
      const proposalId = await voted(approval);
      const u = updater();
      await u.runOnce();
      const tip = await releaseTip();
      const snapshot = await chain.rpc.request<string>('evm_snapshot', []);
      await execute(approval);
      await mine(1); // the execute block has DEPTH - 1 confirmations: one short
      await u.runOnce();
      assert.equal((await store.proposal(proposalId))?.phase, 'reviewed');
      assert.equal(await chain.rpc.request('evm_revert', [snapshot]), true);
      await mine(DEPTH + 2); // another branch, longer, without the execute
      const reorgsBefore = reorgs;
      await u.runOnce();
      assert.equal(reorgs, reorgsBefore + 1, "the cursor's block left the chain: read again");
      assert.equal((await store.proposal(proposalId))?.phase, 'reviewed');
      assert.equal(await releaseTip(), tip);
      assert.deepEqual(await steps(proposalId), ['verdict:ok']);
      assert.equal((await chain.client.registryStatus()).highestVersion, 1n);

      // Executed for real this time, and then deployed.
      await execute(approval);
      await mine(DEPTH - 1);
      await u.runOnce();
      assert.equal((await store.proposal(proposalId))?.phase, 'committed');
      assert.equal(await trailerCount(proposalId), 1);
    });

    it('ignores a defeated proposal and one cancelled by the guardian while queued, with the reason', async () => {
      const defeated = await voted(approvalOf(await manifest(3, { salt: 'defeated' })), 'against');
      const queued = approvalOf(await manifest(3, { salt: 'cancelled' }));
      const cancelled = await voted(queued);
      const u = updater();
      await u.runOnce();
      assert.deepEqual(await steps(defeated), ['ignored:ignored:DEFEATED']);
      assert.deepEqual(await steps(cancelled), ['verdict:ok']);
      await chain.client.cancel(chain.guardian, queued);
      await mine(DEPTH);
      await u.runOnce();
      assert.deepEqual(await steps(cancelled), ['verdict:ok', 'ignored:ignored:CANCELED']);
    });

    it('refuses, in its verdict, a hash mismatch, an untrusted signer and a downgrade without rollback', async () => {
      const m = await manifest(4, { salt: 'hash' });
      const wrongHash = await voted({
        ...approvalOf(m),
        manifestSha256: createHash('sha256').update('other bytes').digest('hex'),
      });
      const wrongSigner = await voted(
        approvalOf(await manifest(4, { salt: 'signer', signingKey: attacker.privateKey })),
      );
      const downgrade = await voted(approvalOf(await manifest(1, { salt: 'downgrade' })));
      await updater().runOnce();
      assert.deepEqual(await steps(wrongHash), ['verdict:refused:SHA256_MISMATCH']);
      assert.deepEqual(await steps(wrongSigner), ['verdict:refused:UNTRUSTED_SIGNER']);
      assert.deepEqual(await steps(downgrade), ['verdict:refused:DOWNGRADE']);
    });

    it('holds an approved release while the registry is paused, and deploys it when the pause ends', async () => {
      const approval = approvalOf(await manifest(5));
      const proposalId = await voted(approval);
      const u = updater();
      await u.runOnce();
      const tip = await releaseTip();
      await execute(approval);
      const pauseSeconds = 3_600n;
      await chain.client.pauseRegistry(chain.guardian, (await chain.latestTimestamp()) + pauseSeconds);
      await mine(DEPTH);
      await u.runOnce();
      await u.runOnce();
      assert.deepEqual(await steps(proposalId), ['verdict:ok', 'held:held:REGISTRY_PAUSED'], 'logged once');
      assert.equal(await releaseTip(), tip);
      await chain.advanceTime(Number(pauseSeconds) + 1);
      await u.runOnce();
      assert.equal((await store.proposal(proposalId))?.phase, 'committed');
      assert.notEqual(await releaseTip(), tip);
    });

    it('an updater killed after a push that raced another commit leaves one release commit, over the other one', async () => {
      const approval = approvalOf(await manifest(6));
      const proposalId = await voted(approval);
      await updater().runOnce();
      await execute(approval);
      await mine(DEPTH - 1);
      let otherCommit = '';
      let pushes = 0;
      const racingThenKilled: CommandRunner = async (file, args, options) => {
        if (args.includes('push') && pushes++ === 0) {
          otherCommit = await remote.pushOtherCommit(
            'k8s/overlays/prod/OPERATOR-NOTES.md',
            'a note by an operator\n',
            'prod: a note by an operator',
          );
        }
        const result = await runCommand(file, args, options);
        if (args.includes('push') && result.code === 0) throw new Error('killed right after the push');
        return result;
      };
      await updater(racingThenKilled).runOnce();
      assert.equal(
        (await store.proposal(proposalId))?.phase,
        'approved',
        'the kill came before the commit was recorded',
      );
      await updater().runOnce();
      const record = await store.proposal(proposalId);
      assert.equal(record?.phase, 'committed');
      assert.equal(await trailerCount(proposalId), 1, 'no duplicate commit');
      assert.equal(
        (await remote.git(['rev-parse', 'release~1'])).trim(),
        otherCommit,
        'built on the other commit',
      );
      assert.equal(
        await remote.git(['show', 'release:k8s/overlays/prod/OPERATOR-NOTES.md']),
        'a note by an operator\n',
      );
      const commitEntry = (await logOf(proposalId)).find((e) => e.step === 'commit');
      assert.equal(commitEntry?.detail['alreadyOnBranch'], 'true');
    });

    it('deploys a rollback only when it returns to the images of the version it names', async () => {
      const forged = await voted(approvalOf(await manifest(5, { rollback: true, salt: 'not-v5' })));
      const rollback = approvalOf(await manifest(5, { rollback: true, salt: 'v5' }));
      const proposalId = await voted(rollback);
      const u = updater();
      await u.runOnce();
      assert.deepEqual(await steps(forged), ['verdict:refused:ROLLBACK_DIGEST_MISMATCH']);
      assert.deepEqual(await steps(proposalId), ['verdict:ok']);
      await execute(rollback);
      await mine(DEPTH - 1);
      await u.runOnce();
      assert.equal((await store.proposal(proposalId))?.phase, 'committed');
      assert.match(await remote.git(['log', '-1', '--format=%s', 'release']), /^prod: rollback to version 5/);
      // The forward release 5's verdict named the pins; the rollback pins them again.
      const forward = (await store.deployLog()).find(
        (e) => e.step === 'verdict' && e.outcome === 'ok' && e.detail['version'] === '5',
      );
      const overlay = await remote.git(['show', 'release:k8s/overlays/prod/kustomization.yaml']);
      const pins = forward?.detail['pins']?.split(' ') ?? [];
      assert.equal(pins.length, 7, 'the five services, migrate and the sponsor');
      for (const pin of pins) assert.ok(overlay.includes(`digest: ${pin.split('@')[1]!}`), pin);
    });

    it('keeps an unbroken hash-chained deploy log, and counts every refusal in the metrics', async () => {
      const log = await store.deployLog();
      verifyDeployLog(log);
      assert.deepEqual(
        (await store.openProposals()).map((record) => record.phase),
        ['committed'],
        'only the newest release is still followed',
      );
      const text = await metrics.registry.metrics();
      for (const [step, outcome, code] of [
        ['ignored', 'ignored', 'DEFEATED'],
        ['ignored', 'ignored', 'CANCELED'],
        ['verdict', 'refused', 'SHA256_MISMATCH'],
        ['verdict', 'refused', 'UNTRUSTED_SIGNER'],
        ['verdict', 'refused', 'DOWNGRADE'],
        ['held', 'held', 'REGISTRY_PAUSED'],
        ['verdict', 'refused', 'ROLLBACK_DIGEST_MISMATCH'],
      ]) {
        assert.match(
          text,
          new RegExp(
            `anchorpost_updater_deploy_log_records_total\\{step="${step}",outcome="${outcome}",code="${code}"\\} 1`,
          ),
        );
      }
    });
  },
);
