// The images (scripts/build-images.sh) run as the chart runs them — uid 1000, a read-only root
// filesystem with only /tmp writable, no capabilities, no privilege escalation — against real
// servers on loopback (PostgreSQL, Kafka 3.9, Kubo, anvil): the migrate image applies the
// migrations, and every service becomes ready on its management port and stops cleanly. The sponsor
// runs beside them with what an operator gives it (sponsor-instance.ts): a forwarder and a key
// registry deployed on the anvil, a funded key and a policy file.
// `npm run test:images -w @anchorpost/e2e`. Without a Docker engine or the images it skips, saying
// why; with ANCHORPOST_REQUIRE_DOCKER=1 (scripts/test.sh) it fails instead.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { generateIdentity } from '@anchorpost/protocol';
import { migrate } from '@anchorpost/db';
import { createTestDatabase } from '@anchorpost/db/testing';
import { startCluster, type Cluster } from './cluster/cluster.ts';
import { containerRun, dockerEngine, imagesFromEnvironment, missingImages } from './cluster/container.ts';
import { postgresServer, type PostgresServer } from './cluster/servers.ts';
import type { ServiceProcess } from './cluster/service-process.ts';
import { startSponsorInstance } from './cluster/sponsor-instance.ts';
import { tenantsSetup } from './tenant-keys.ts';
import { startUpdaterInImage, updaterImageMissing, type UpdaterInImage } from './updater-image.ts';

const run = promisify(execFile);
const SERVICES = ['relay', 'batcher', 'anchorer', 'parser', 'proof-api', 'sponsor'] as const;
const imageOf = imagesFromEnvironment({ ANCHORPOST_E2E_IMAGES: '1', ...process.env })!;

/** Why the suite cannot run here, or undefined; throws instead when it is required to run. */
async function whyNot(): Promise<string | undefined> {
  const engine = await dockerEngine();
  let why: string | undefined;
  if (!engine.ok) why = engine.why;
  else {
    const missing = await missingImages([...SERVICES, 'migrate'].map(imageOf));
    if (missing.length > 0) why = `images not built (scripts/build-images.sh): ${missing.join(', ')}`;
  }
  if (why !== undefined && process.env['ANCHORPOST_REQUIRE_DOCKER'] === '1') {
    throw new Error(`${why}; required because ANCHORPOST_REQUIRE_DOCKER=1`);
  }
  return why;
}

const skip = await whyNot();

describe('the images, run as the chart runs them', { skip }, () => {
  let dir: string | undefined;
  let postgres: PostgresServer | undefined;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'anchorpost-images-'));
    postgres = await postgresServer();
  });
  after(async () => {
    await postgres?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('migrate applies every migration to an empty database, then finds it up to date', async () => {
    const database = await createTestDatabase(postgres!.adminUrl, 'images_migrate');
    try {
      const migrateInContainer = async () => {
        const command = containerRun({
          name: `anchorpost-images-migrate-${process.pid}`,
          image: imageOf('migrate'),
          service: 'migrate',
          env: { ANCHORPOST_DATABASE_URL: database.databaseUrl },
        });
        const { stdout } = await run('docker', command.args, { env: command.env, timeout: 120_000 });
        return stdout.trim();
      };
      assert.match(await migrateInContainer(), /^Applied: \S+/);
      assert.equal(await migrateInContainer(), 'Database is up to date.');
      // The services' own check at start (openDatabase) finds nothing left to apply either.
      assert.deepEqual((await migrate(database.databaseUrl)).applied, []);
    } finally {
      await database.drop();
    }
  });

  describe('every service, on PostgreSQL, Kafka, Kubo and anvil', () => {
    let cluster: Cluster | undefined;
    let sponsor: ServiceProcess | undefined;
    let startMs = 0;

    before(async () => {
      const started = Date.now();
      const { tenants } = tenantsSetup([{ tenant: 'images', app: await generateIdentity('modern') }]);
      // Ready means each management port's /readyz answered 200, as the chart's readinessProbe asks.
      const clusterDir = join(dir!, 'cluster');
      cluster = await startCluster({ dir: clusterDir, tenants, relays: 1, images: imageOf });
      sponsor = (await startSponsorInstance({ cluster, dir: clusterDir, tenant: 'images', images: imageOf }))
        .process;
      startMs = Date.now() - started;
    });
    after(async () => {
      await sponsor?.close();
      await cluster?.close();
    });

    const runningOf = (service: (typeof SERVICES)[number]): ServiceProcess =>
      service === 'sponsor' ? sponsor! : cluster!.service(service === 'relay' ? 'relay-a' : service);

    for (const service of SERVICES) {
      it(`${service}: ready on its management port, as uid 1000 on a read-only root, without capabilities`, async () => {
        const running = runningOf(service);
        const response = await fetch(`${running.managementUrl!}/readyz`);
        assert.equal(response.status, 200, await response.text());
        const { stdout } = await run('docker', [
          'inspect',
          '--format',
          '{{.Config.User}} {{.HostConfig.ReadonlyRootfs}} {{.HostConfig.CapDrop}} {{.HostConfig.SecurityOpt}} {{.HostConfig.NetworkMode}}',
          running.containerName!,
        ]);
        assert.equal(stdout.trim(), '1000:1000 true [ALL] [no-new-privileges] host');
      });
    }

    it('every service stops cleanly on SIGTERM (a rolling update)', async (t) => {
      t.diagnostic(`the containers were ready ${startMs} ms after the servers began to start`);
      for (const running of [...cluster!.services.values(), sponsor!]) {
        assert.equal(await running.stop(), 0, `${running.name} exits 0 on SIGTERM`);
      }
    });
  });
});

/** Why the updater's image cannot be run here, or undefined; throws instead when it is required to run. */
async function whyNotUpdater(): Promise<string | undefined> {
  const engine = await dockerEngine();
  let why: string | undefined;
  if (!engine.ok) why = engine.why;
  else if ((await missingImages([imageOf('updater')])).length > 0) {
    why = `the updater image is not built (scripts/build-images.sh updater): ${imageOf('updater')}`;
  } else why = updaterImageMissing();
  if (why !== undefined && process.env['ANCHORPOST_REQUIRE_DOCKER'] === '1') {
    throw new Error(`${why}; required because ANCHORPOST_REQUIRE_DOCKER=1`);
  }
  return why;
}

describe(
  'the updater image renders a queued release with its own tools',
  { skip: await whyNotUpdater() },
  () => {
    let dir: string | undefined;
    let postgres: PostgresServer | undefined;
    let running: UpdaterInImage | undefined;

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'anchorpost-images-updater-'));
      postgres = await postgresServer();
      running = await startUpdaterInImage(join(dir, 'updater'), postgres.adminUrl, imageOf('updater'));
    });
    after(async () => {
      await running?.close();
      await postgres?.close();
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    });

    it('ships git, helm, kustomize and kubeconform, and runs as uid 1000 on a read-only root', async () => {
      const name = running!.updater.containerName!;
      const { stdout } = await run('docker', [
        'exec',
        name,
        'sh',
        '-c',
        'for tool in git ssh-keygen helm kustomize kubeconform; do command -v "$tool"; done',
      ]);
      assert.deepEqual(stdout.trim().split('\n'), [
        '/usr/bin/git',
        '/usr/bin/ssh-keygen',
        '/usr/local/bin/helm',
        '/usr/local/bin/kustomize',
        '/usr/local/bin/kubeconform',
      ]);
      const inspect = await run('docker', [
        'inspect',
        '--format',
        '{{.Config.User}} {{.HostConfig.ReadonlyRootfs}} {{.HostConfig.CapDrop}} {{.HostConfig.SecurityOpt}}',
        name,
      ]);
      assert.equal(inspect.stdout.trim(), '1000:1000 true [ALL] [no-new-privileges]');
    });

    it('is ready, and its review of the queued release renders and validates prod in its /tmp clone', async () => {
      const ready = await fetch(`${running!.managementUrl}/readyz`);
      assert.equal(ready.status, 200, await ready.text());
      const ok = 'anchorpost_updater_deploy_log_records_total{step="verdict",outcome="ok",code=""} 1';
      const deadline = Date.now() + 120_000;
      let metrics = '';
      while (!metrics.includes(ok)) {
        assert.ok(Date.now() < deadline, `no verdict; the updater's metrics:\n${metrics}`);
        assert.doesNotMatch(
          metrics,
          /step="verdict",outcome="refused"/,
          'the dry run in the image refused the release',
        );
        await new Promise((resolve) => setTimeout(resolve, 500));
        metrics = await (await fetch(`${running!.managementUrl}/metrics`)).text();
      }
      // The clone is where the image's default puts it, on the writable /tmp, and holds the remote's branch.
      const { stdout } = await run('docker', [
        'exec',
        running!.updater.containerName!,
        'git',
        '-C',
        '/tmp/anchorpost-gitops',
        'rev-parse',
        '--verify',
        'refs/remotes/origin/release',
      ]);
      assert.match(stdout.trim(), /^[0-9a-f]{40}$/);
    });
  },
);
