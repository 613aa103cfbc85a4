// The updater's image at work, as the chart runs it (container.ts): anvil with the release
// governance, PostgreSQL, a Kubo daemon holding the manifest, a bare GitOps remote seeded with k8s/
// and charts/, and the Argo CD API test double, all on loopback. A release is proposed, voted and
// queued; the updater in its container then reviews it, which renders the prod overlay with the
// release's digests through the helm, kustomize and kubeconform its image ships, in a clone under
// its /tmp. The folders it reads are handed to uid 1000, as a Secret's items are in a pod.
import { execFile } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { chmod, cp, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { migrate } from '@anchorpost/db';
import { createTestDatabase, type TestDatabase } from '@anchorpost/db/testing';
import { buildReleaseManifest, RELEASE_SERVICES } from '@anchorpost/release';
import { startReleaseGovernanceTestChain } from '@anchorpost/release-governance/testing';
import type { ReleaseGovernanceTestChain } from '@anchorpost/release-governance/testing';
import { connectKubo } from '@anchorpost/storage';
import { findKuboBinary, startKuboDaemon, type KuboDaemon } from '@anchorpost/storage/testing';
import { ArgoCdApiTestDouble, createGitOpsRemote, k8sTools } from '@anchorpost/updater-core/testing';
import { freePort } from './cluster/free-port.ts';
import { ServiceProcess } from './cluster/service-process.ts';
import { REPO } from './platform-process.ts';

export interface UpdaterInImage {
  readonly updater: ServiceProcess;
  /** The management listener: /readyz, /metrics. */
  readonly managementUrl: string;
  close(): Promise<void>;
}

/** Why the updater's run cannot happen here (no Kubo, no k8s schemas), or undefined. */
export function updaterImageMissing(): string | undefined {
  if (findKuboBinary() === undefined) return 'no Kubo binary (scripts/install-kubo.sh)';
  const tools = k8sTools(REPO);
  return 'skip' in tools ? tools.skip : undefined;
}

/** Everything the updater needs, a release queued for its review, and the updater started from `image`. */
export async function startUpdaterInImage(
  dir: string,
  adminUrl: string,
  image: string,
): Promise<UpdaterInImage> {
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
  };
  try {
    await mkdir(dir, { recursive: true });
    const database: TestDatabase = await createTestDatabase(adminUrl, 'images_updater');
    closers.push(() => database.drop());
    await migrate(database.databaseUrl);
    const chain: ReleaseGovernanceTestChain = await startReleaseGovernanceTestChain();
    closers.push(() => chain.close());
    const kubo: KuboDaemon = await startKuboDaemon();
    closers.push(() => kubo.dispose());
    const remote = await createGitOpsRemote(dir, REPO);
    const argo = await ArgoCdApiTestDouble.start({
      application: 'anchorpost-prod',
      repository: remote.remote,
      branch: 'release',
      token: 't0ken',
    });
    closers.push(() => argo.close());
    const builder = generateKeyPairSync('ed25519');
    await writeFile(join(dir, 'argocd-token'), 't0ken\n');
    await writeFile(join(dir, 'builder.pub.pem'), builder.publicKey.export({ type: 'spki', format: 'pem' }));
    const schemaLocations = await copySchemas(dir);
    await handToContainerUser(dir);

    await queueRelease(chain, kubo.url, builder.privateKey);
    const [port, managementPort] = [await freePort(), await freePort()];
    const managementUrl = `http://127.0.0.1:${managementPort}`;
    const updater = new ServiceProcess({
      name: 'updater',
      service: 'updater',
      url: `http://127.0.0.1:${port}`,
      managementUrl,
      logPath: join(dir, 'updater.log'),
      image: { name: image, readOnlyMounts: [dir] },
      // No ANCHORPOST_UPDATER_GIT_WORK_DIR and no tool paths: the image's own defaults are the test.
      env: {
        ANCHORPOST_DATABASE_URL: database.databaseUrl,
        ANCHORPOST_STORAGE: 'kubo',
        ANCHORPOST_KUBO_URL: kubo.url,
        ANCHORPOST_EVM_RPC_URLS: chain.anvil.rpcUrl,
        ANCHORPOST_EVM_CHAIN_ID: '31337',
        ANCHORPOST_UPDATER_GOVERNOR: chain.deployment.governor,
        ANCHORPOST_UPDATER_REGISTRY: chain.deployment.registry,
        ANCHORPOST_PARSER_TRUSTED_DEPTH: '2',
        ANCHORPOST_UPDATER_POLL_INTERVAL: '200ms',
        ANCHORPOST_UPDATER_PORT: String(port),
        ANCHORPOST_UPDATER_MANAGEMENT_PORT: String(managementPort),
        ANCHORPOST_UPDATER_TRUSTED_KEY_FILES: join(dir, 'builder.pub.pem'),
        ANCHORPOST_UPDATER_GIT_REMOTE: remote.remote,
        ANCHORPOST_UPDATER_SIGNING_KEY_FILE: remote.signingKeyFile,
        ANCHORPOST_UPDATER_SCHEMA_LOCATIONS: schemaLocations.join(','),
        ANCHORPOST_UPDATER_ARGOCD_URL: argo.url,
        ANCHORPOST_UPDATER_ARGOCD_TOKEN_FILE: join(dir, 'argocd-token'),
      },
    });
    closers.push(() => updater.close());
    await updater.start();
    return { updater, managementUrl, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * The kubeconform schemas, copied beside the rest: the tools folder is under root's home, which
 * uid 1000 may not enter.
 */
async function copySchemas(dir: string): Promise<string[]> {
  const tools = k8sTools(REPO);
  if ('skip' in tools) throw new Error(tools.skip);
  const locations = tools.dryRun.schemaLocations;
  const ours = join(REPO, 'charts/schemas/crds');
  const theirs = locations[0]!.split('/{{')[0]!;
  await cp(theirs, join(dir, 'schemas/tools'), { recursive: true });
  await cp(ours, join(dir, 'schemas/ours'), { recursive: true });
  return locations.map((location) =>
    location.startsWith(ours)
      ? join(dir, 'schemas/ours') + location.slice(ours.length)
      : join(dir, 'schemas/tools') + location.slice(theirs.length),
  );
}

/** What a pod mounts is its user's: git refuses a repository another user owns, ssh-keygen a shared key. */
async function handToContainerUser(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  if (process.getuid?.() === 0) await promisify(execFile)('chown', ['-R', '1000:1000', dir]);
}

async function queueRelease(
  chain: ReleaseGovernanceTestChain,
  kuboUrl: string,
  signingKey: ReturnType<typeof generateKeyPairSync>['privateKey'],
): Promise<void> {
  const published = await buildReleaseManifest({
    version: 1,
    rollback: false,
    source: { repository: 'https://github.com/anchorpost/anchorpost', commit: 'a'.repeat(40) },
    chart: { name: 'anchorpost', version: '0.1.0' },
    images: Object.fromEntries(
      RELEASE_SERVICES.map((s) => [
        s,
        { name: `ghcr.io/anchorpost/${s}`, digest: `sha256:${createHash('sha256').update(s).digest('hex')}` },
      ]),
    ) as Parameters<typeof buildReleaseManifest>[0]['images'],
    builderId: 'https://github.com/anchorpost/anchorpost/.github/workflows/release.yaml@refs/heads/main',
    signingKey,
  });
  const kubo = connectKubo({ url: kuboUrl });
  try {
    await kubo.addFile(published.bytes, { pin: true });
  } finally {
    await kubo.close();
  }
  const approval = {
    manifestSha256: published.sha256,
    manifestCid: published.cid,
    version: 1n,
    rollback: false,
  };
  const { proposalId } = await chain.client.propose(chain.voters[0], approval);
  await chain.advanceTime(chain.parameters.votingDelay + 1);
  await chain.client.castVote(chain.voters[0], proposalId, 'for');
  await chain.advanceTime(chain.parameters.votingPeriod + 1);
  await chain.client.queue(chain.voters[0], approval);
  await chain.rpc.request('anvil_mine', ['0x2']);
}
