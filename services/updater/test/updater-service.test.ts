/**
 * The service as main.ts starts it: settings read from the environment, the adapters wired, the
 * HTTP app up (/readyz, /metrics), one replica leading; it publishes the verdict on a queued
 * release by itself, and sends that deploy-log record to the relay as a tx-file of the deploy log's
 * group. A node of another chain is refused at start (WRONG_CHAIN), a relay without the updater's
 * identity too (BAD_CONFIG).
 */
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createDatabase, EMBEDDED_POOL_SIZE, migrate, startEmbeddedPostgres } from '@anchorpost/db';
import type { Database, EmbeddedPostgres } from '@anchorpost/db';
import {
  cidForBytes,
  createGroup,
  generateIdentity,
  openTxFile,
  parseTxFile,
  toPrivateKeyFile,
} from '@anchorpost/protocol';
import type { GroupKeys } from '@anchorpost/protocol';
import { MemoryErgoBlockView } from '@anchorpost/relay-core/testing';
import { buildReleaseManifest, canonicalJson, RELEASE_SERVICES } from '@anchorpost/release';
import { startReleaseGovernanceTestChain } from '@anchorpost/release-governance/testing';
import type { ReleaseGovernanceTestChain } from '@anchorpost/release-governance/testing';
import { createLogger, loadConfig } from '@anchorpost/service-kit';
import type { RunningService } from '@anchorpost/service-kit';
import { openHeliaContentStore } from '@anchorpost/storage';
import type { HeliaContentStore } from '@anchorpost/storage';
import { DEPLOY_LOG_HEADER, UpdaterError } from '@anchorpost/updater-core';
import { ArgoCdApiTestDouble, createGitOpsRemote, k8sTools } from '@anchorpost/updater-core/testing';
import { updaterConfigSchema } from '../src/updater-config.ts';
import { startUpdaterService } from '../src/updater-service.ts';

const REPO = join(import.meta.dirname, '../../..');
const tools = k8sTools(REPO);

/** A relay's `POST /v1/tx-files`, as a test double: keeps the files sent with the right key. */
class RelayApiTestDouble {
  readonly received: Uint8Array[] = [];
  readonly #server: Server;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(apiKey: string): Promise<RelayApiTestDouble> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        void (async () => {
          response.setHeader('content-type', 'application/json');
          if (request.url !== '/v1/tx-files' || request.headers.authorization !== `Bearer ${apiKey}`) {
            response.statusCode = 401;
            response.end(
              JSON.stringify({ error: { code: 'UNAUTHENTICATED', message: 'no', retryable: false } }),
            );
            return;
          }
          const bytes = new Uint8Array(Buffer.concat(chunks));
          double.received.push(bytes);
          response.statusCode = 201;
          response.end(JSON.stringify({ receipt: { cid: await cidForBytes(bytes) }, duplicate: false }));
        })();
      });
    });
    const double = new RelayApiTestDouble(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return double;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => {
        resolve();
      });
    });
  }
}

describe('startUpdaterService', { skip: 'skip' in tools ? tools.skip : false }, () => {
  let dir: string;
  let chain: ReleaseGovernanceTestChain;
  let content: HeliaContentStore;
  let postgres: EmbeddedPostgres;
  let database: Database;
  let argo: ArgoCdApiTestDouble;
  let relay: RelayApiTestDouble;
  let group: GroupKeys;
  let env: Record<string, string>;
  const builder = generateKeyPairSync('ed25519');

  before(async () => {
    if ('skip' in tools) return;
    dir = await mkdtemp(join(tmpdir(), 'updater-service-'));
    chain = await startReleaseGovernanceTestChain();
    content = await openHeliaContentStore({ dir: join(dir, 'ipfs') });
    postgres = await startEmbeddedPostgres();
    await migrate(postgres.databaseUrl);
    database = createDatabase({ databaseUrl: postgres.databaseUrl, poolSize: EMBEDDED_POOL_SIZE });
    const remote = await createGitOpsRemote(dir, REPO);
    argo = await ArgoCdApiTestDouble.start({
      application: 'anchorpost-prod',
      repository: remote.remote,
      branch: 'release',
      token: 't0ken',
    });
    await writeFile(join(dir, 'argocd-token'), 't0ken\n');
    relay = await RelayApiTestDouble.start('relay-k3y');
    await writeFile(join(dir, 'relay-api-key'), 'relay-k3y\n');
    const identity = await generateIdentity('modern');
    const created = await createGroup('modern', [identity.public]);
    group = created.keys;
    await writeFile(join(dir, 'identity.json'), JSON.stringify(toPrivateKeyFile(identity)));
    await writeFile(join(dir, 'deploy-log-group.json'), JSON.stringify(created.bundle));
    await writeFile(join(dir, 'builder.pub.pem'), builder.publicKey.export({ type: 'spki', format: 'pem' }));
    env = {
      ANCHORPOST_UPDATER_GOVERNOR: chain.deployment.governor,
      ANCHORPOST_UPDATER_REGISTRY: chain.deployment.registry,
      ANCHORPOST_PARSER_TRUSTED_DEPTH: '2',
      ANCHORPOST_UPDATER_MANAGEMENT_PORT: '0',
      ANCHORPOST_UPDATER_POLL_INTERVAL: '100ms',
      ANCHORPOST_UPDATER_TRUSTED_KEY_FILES: join(dir, 'builder.pub.pem'),
      ANCHORPOST_UPDATER_GIT_REMOTE: remote.remote,
      ANCHORPOST_UPDATER_GIT_WORK_DIR: join(dir, 'gitops'),
      ANCHORPOST_UPDATER_SIGNING_KEY_FILE: remote.signingKeyFile,
      ANCHORPOST_UPDATER_KUSTOMIZE: tools.dryRun.kustomize,
      ANCHORPOST_UPDATER_HELM: tools.dryRun.helm,
      ANCHORPOST_UPDATER_KUBECONFORM: tools.dryRun.kubeconform,
      ANCHORPOST_UPDATER_SCHEMA_LOCATIONS: tools.dryRun.schemaLocations.join(','),
      ANCHORPOST_UPDATER_ARGOCD_URL: argo.url,
      ANCHORPOST_UPDATER_ARGOCD_TOKEN_FILE: join(dir, 'argocd-token'),
      ANCHORPOST_UPDATER_RELAY_URL: relay.url,
      ANCHORPOST_UPDATER_RELAY_API_KEY_FILE: join(dir, 'relay-api-key'),
      ANCHORPOST_UPDATER_IDENTITY_FILE: join(dir, 'identity.json'),
      ANCHORPOST_UPDATER_DEPLOY_LOG_GROUP_FILE: join(dir, 'deploy-log-group.json'),
    };
  });
  after(async () => {
    if ('skip' in tools) return;
    await argo.close();
    await relay.close();
    await database.close();
    await postgres.stop();
    await content.close();
    await chain.close();
    await rm(dir, { recursive: true, force: true });
  });

  const start = (chainId: number, settings: Record<string, string> = env): Promise<RunningService> =>
    startUpdaterService({
      config: loadConfig(updaterConfigSchema, settings),
      ergoBlocks: new MemoryErgoBlockView(30),
      rpcUrls: [chain.anvil.rpcUrl],
      chainId,
      database,
      store: content,
      logger: createLogger('updater', { level: 'silent' }),
      port: 0,
      handleSignals: false,
    });

  it('refuses a node of another chain (WRONG_CHAIN)', async () => {
    await assert.rejects(
      start(1),
      (error: unknown) => error instanceof UpdaterError && error.code === 'WRONG_CHAIN',
    );
  });

  it('refuses a relay without the identity the files are signed with (BAD_CONFIG)', async () => {
    const withoutIdentity = { ...env };
    delete withoutIdentity['ANCHORPOST_UPDATER_IDENTITY_FILE'];
    await assert.rejects(
      start(31337, withoutIdentity),
      (error: unknown) =>
        (error as { code?: string }).code === 'BAD_CONFIG' &&
        String(error).includes('ANCHORPOST_UPDATER_IDENTITY_FILE'),
    );
  });

  it('runs from its settings: ready, publishes the verdict on a queued release and sends it to the relay', async () => {
    const published = await buildReleaseManifest({
      version: 1,
      rollback: false,
      source: { repository: 'https://github.com/anchorpost/anchorpost', commit: 'a'.repeat(40) },
      chart: { name: 'anchorpost', version: '0.1.0' },
      images: Object.fromEntries(
        RELEASE_SERVICES.map((s) => [
          s,
          {
            name: `ghcr.io/anchorpost/${s}`,
            digest: `sha256:${createHash('sha256').update(s).digest('hex')}`,
          },
        ]),
      ) as Parameters<typeof buildReleaseManifest>[0]['images'],
      builderId: 'https://github.com/anchorpost/anchorpost/.github/workflows/release.yaml@refs/heads/main',
      signingKey: builder.privateKey,
    });
    await content.addFile(published.bytes, { pin: true });
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

    const service = await start(31337);
    try {
      const ready = await fetch(`${service.urls['http']}/readyz`);
      assert.equal(ready.status, 200);
      const deadline = Date.now() + 60_000;
      let metrics = '';
      while (
        !metrics.includes(
          'anchorpost_updater_deploy_log_records_total{step="verdict",outcome="ok",code=""} 1',
        )
      ) {
        assert.ok(Date.now() < deadline, `no verdict published:\n${metrics}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
        metrics = await (await fetch(`${service.urls['management']}/metrics`)).text();
      }
      assert.match(metrics, /anchorpost_updater_leader 1/);
      // The verdict's record, as a tx-file of the deploy log's group, taken by the relay.
      while (!metrics.includes('anchorpost_updater_deploy_log_tx_files_total 1')) {
        assert.ok(Date.now() < deadline, `the verdict was not sent to the relay:\n${metrics}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
        metrics = await (await fetch(`${service.urls['management']}/metrics`)).text();
      }
      assert.equal(relay.received.length, 1);
      const opened = openTxFile(parseTxFile(relay.received[0]!), { group });
      assert.equal(new TextDecoder().decode(opened.message.header), DEPLOY_LOG_HEADER);
      const record = JSON.parse(new TextDecoder().decode(opened.message.data)) as Record<string, unknown>;
      assert.equal(record['step'], 'verdict');
      assert.equal(record['outcome'], 'ok');
      assert.equal(canonicalJson(record), new TextDecoder().decode(opened.message.data));
    } finally {
      await service.close();
    }
  });
});
