/**
 * The release pipeline on one machine, as the release-flow test and the execute-to-commit bench
 * both set it up: anvil with the release governance, the manifest on the embedded storage,
 * PostgreSQL (the embedded PGlite) for the updater's state and deploy log, a bare Git repository
 * seeded with k8s/ and charts/ as the GitOps remote, kustomize + kubeconform for the dry run, and
 * the Argo CD API test double; with the steps a release goes through (manifest, vote, queue,
 * execute) and what a test reads back (the deploy log's steps, the `release` tip).
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
import { ArgoCdHttpApi, GitCliRepository, KustomizeDryRun, Updater } from '@anchorpost/updater-core';
import type { CommandRunner, DeployLogEntry, KustomizeDryRunOptions } from '@anchorpost/updater-core';
import { ArgoCdApiTestDouble, createGitOpsRemote } from '@anchorpost/updater-core/testing';
import type { GitOpsRemote } from '@anchorpost/updater-core/testing';
import { EvmGovernanceChain } from '../src/evm-governance-chain.ts';
import { PostgresUpdaterStore } from '../src/postgres-updater-store.ts';
import { updaterReporting } from '../src/updater-reporting.ts';
import { UPDATER_METRICS } from '../src/updater-metrics.ts';

export const REPO = join(import.meta.dirname, '../../..');
const TOKEN = 'argocd-project-role-token';

export interface KeyPair {
  readonly privateKey: KeyObject;
  readonly trusted: TrustedKey;
}

export function keyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, trusted: { keyId: keyIdOf(publicKey), publicKey } };
}

export interface ReleasePipelineOptions {
  readonly dryRun: KustomizeDryRunOptions;
  /** The updater's confirmation depth. */
  readonly depth: number;
  /** The updater's poll interval when started in the background. */
  readonly pollIntervalMs: number;
}

export interface ManifestOptions {
  readonly salt?: string;
  readonly signingKey?: KeyObject;
  readonly rollback?: boolean;
}

export interface ReleasePipeline {
  readonly dir: string;
  readonly chain: ReleaseGovernanceTestChain;
  readonly content: HeliaContentStore;
  readonly store: PostgresUpdaterStore;
  readonly remote: GitOpsRemote;
  readonly metrics: ServiceMetrics;
  /** The release builder's key (trusted by the updater). */
  readonly builder: KeyPair;
  /** Reorgs the updaters observed so far. */
  readonly reorgs: () => number;
  /** An updater with its own clone (a fresh process), on the shared database. */
  updater(run?: CommandRunner): Updater;
  /** A signed manifest for `version` (digests derived from `salt`), added to the storage. */
  manifest(version: number, options?: ManifestOptions): Promise<PublishedManifest>;
  approvalOf(manifest: PublishedManifest): ReleaseApproval;
  mine(blocks: number): Promise<void>;
  /** Proposed, voted (two voters, `support`), and — when it passed — queued; then confirmed. */
  voted(approval: ReleaseApproval, support?: 'for' | 'against'): Promise<string>;
  /** Past the review window, executed (returns at the execute transaction's receipt). */
  execute(approval: ReleaseApproval): Promise<void>;
  logOf(proposalId: string): Promise<DeployLogEntry[]>;
  /** The proposal's deploy log as `step:outcome[:code]`. */
  steps(proposalId: string): Promise<string[]>;
  releaseTip(): Promise<string>;
  close(): Promise<void>;
}

export async function startReleasePipeline(options: ReleasePipelineOptions): Promise<ReleasePipeline> {
  const dir = await mkdtemp(join(tmpdir(), 'updater-flow-'));
  const chain = await startReleaseGovernanceTestChain();
  const content = await openHeliaContentStore({ dir: join(dir, 'ipfs') });
  const postgres: EmbeddedPostgres = await startEmbeddedPostgres();
  await migrate(postgres.databaseUrl);
  const database: Database = createDatabase({
    databaseUrl: postgres.databaseUrl,
    poolSize: EMBEDDED_POOL_SIZE,
  });
  const store = new PostgresUpdaterStore(database.prisma);
  const remote = await createGitOpsRemote(dir, REPO);
  const argo = await ArgoCdApiTestDouble.start({
    application: 'anchorpost-prod',
    repository: remote.remote,
    branch: 'release',
    token: TOKEN,
    pollsToSync: 1,
  });
  const metrics = new ServiceMetrics('updater', UPDATER_METRICS);
  const reporting = updaterReporting(metrics, createLogger('updater', { level: 'silent' }));
  const builder = keyPair();
  let workDirs = 0;
  let reorgs = 0;

  const mine = async (blocks: number): Promise<void> => {
    await chain.rpc.request('anvil_mine', [`0x${blocks.toString(16)}`]);
  };
  const logOf = async (proposalId: string): Promise<DeployLogEntry[]> =>
    (await store.deployLog()).filter((entry) => entry.proposalId === proposalId);

  return {
    dir,
    chain,
    content,
    store,
    remote,
    metrics,
    builder,
    reorgs: () => reorgs,
    updater(run) {
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
        dryRun: new KustomizeDryRun(options.dryRun),
        argoCd: new ArgoCdHttpApi({ baseUrl: argo.url, token: TOKEN }),
        trustedKeys: [builder.trusted],
        startBlock: 0,
        trustedDepth: options.depth,
        pollIntervalMs: options.pollIntervalMs,
        observer: {
          ...reporting,
          reorg: (info) => {
            reorgs += 1;
            reporting.reorg?.(info);
          },
        },
      });
    },
    async manifest(version, manifestOptions = {}) {
      const salt = manifestOptions.salt ?? `v${version}`;
      const published = await buildReleaseManifest({
        version,
        rollback: manifestOptions.rollback ?? false,
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
        signingKey: manifestOptions.signingKey ?? builder.privateKey,
      });
      const cid = await content.addFile(published.bytes, { pin: true });
      if (cid !== published.cid)
        throw new Error(`the storage named the manifest ${cid}, not ${published.cid}`);
      return published;
    },
    approvalOf: (m) => ({
      manifestSha256: m.sha256,
      manifestCid: m.cid,
      version: BigInt(m.manifest.version),
      rollback: m.manifest.rollback,
    }),
    mine,
    async voted(approval, support = 'for') {
      const { proposalId } = await chain.client.propose(chain.voters[0], approval);
      await chain.advanceTime(chain.parameters.votingDelay + 1);
      await chain.client.castVote(chain.voters[0], proposalId, support);
      await chain.client.castVote(chain.voters[1], proposalId, support);
      await chain.advanceTime(chain.parameters.votingPeriod + 1);
      if (support === 'for') await chain.client.queue(chain.voters[0], approval);
      await mine(options.depth);
      return proposalId;
    },
    async execute(approval) {
      await chain.advanceTime(chain.parameters.reviewWindow + 1);
      await chain.client.execute(chain.voters[0], approval);
    },
    logOf,
    steps: async (proposalId) =>
      (await logOf(proposalId)).map(
        (e) => `${e.step}:${e.outcome}${e.code === undefined ? '' : `:${e.code}`}`,
      ),
    releaseTip: async () => (await remote.git(['rev-parse', 'release'])).trim(),
    async close() {
      await argo.close();
      await database.close();
      await postgres.stop();
      await content.close();
      await chain.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` every `everyMs` until it holds; throws after `timeoutMs`. */
export async function until(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 60_000,
  everyMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
