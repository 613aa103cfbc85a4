/**
 * The deploy log through a real relay (the relay service in this process, its tenant, the
 * updater's client key registered with it, a real API key): the updater service's outbox sends
 * each record as a tx-file of the deploy log's group and the relay's receipts name exactly those
 * files. The first updater cannot reach the relay and only stores the files; after a restart the
 * same bytes arrive, once each; a third run adds a record whose file chains on (no STATE_FORK)
 * and sends nothing twice. The records come from defeated proposals, which need no dry run.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createDatabase, EMBEDDED_POOL_SIZE, migrate, startEmbeddedPostgres } from '@anchorpost/db';
import type { Database, EmbeddedPostgres } from '@anchorpost/db';
import { createGroup, generateIdentity, toPrivateKeyFile } from '@anchorpost/protocol';
import { MemoryErgoBlockView } from '@anchorpost/relay-core/testing';
import { startRelayInstance } from '@anchorpost/relay-service/testing';
import type { RelayInstance } from '@anchorpost/relay-service/testing';
import { startReleaseGovernanceTestChain } from '@anchorpost/release-governance/testing';
import type { ReleaseGovernanceTestChain } from '@anchorpost/release-governance/testing';
import { createLogger, loadConfig } from '@anchorpost/service-kit';
import type { RunningService } from '@anchorpost/service-kit';
import { openHeliaContentStore } from '@anchorpost/storage';
import type { HeliaContentStore } from '@anchorpost/storage';
import { updaterConfigSchema } from '../src/updater-config.ts';
import { startUpdaterService } from '../src/updater-service.ts';

describe('the deploy log through a real relay', { timeout: 180_000 }, () => {
  let dir: string;
  let chain: ReleaseGovernanceTestChain;
  let postgres: EmbeddedPostgres;
  let database: Database;
  let relay: RelayInstance;
  let content: HeliaContentStore;
  let env: Record<string, string>;
  const blocks = new MemoryErgoBlockView(30);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'updater-relay-'));
    chain = await startReleaseGovernanceTestChain();
    postgres = await startEmbeddedPostgres({ dataDir: join(dir, 'pg') });
    await migrate(postgres.databaseUrl);
    database = createDatabase({ databaseUrl: postgres.databaseUrl, poolSize: EMBEDDED_POOL_SIZE });
    content = await openHeliaContentStore({ dir: join(dir, 'ipfs') });
    const identity = await generateIdentity('modern');
    relay = await startRelayInstance(identity.public);
    const group = await createGroup('modern', [identity.public]);
    await writeFile(join(dir, 'identity.json'), JSON.stringify(toPrivateKeyFile(identity)));
    await writeFile(join(dir, 'group.json'), JSON.stringify(group.bundle));
    await writeFile(join(dir, 'argocd-token'), 'unused\n');
    const builder = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' });
    await writeFile(join(dir, 'builder.pub.pem'), builder);
    env = {
      ANCHORPOST_UPDATER_GOVERNOR: chain.deployment.governor,
      ANCHORPOST_UPDATER_REGISTRY: chain.deployment.registry,
      ANCHORPOST_PARSER_TRUSTED_DEPTH: '2',
      ANCHORPOST_UPDATER_MANAGEMENT_PORT: '0',
      ANCHORPOST_UPDATER_POLL_INTERVAL: '100ms',
      ANCHORPOST_UPDATER_TRUSTED_KEY_FILES: join(dir, 'builder.pub.pem'),
      // Defeated proposals reach neither git nor Argo CD.
      ANCHORPOST_UPDATER_GIT_REMOTE: join(dir, 'no-remote.git'),
      ANCHORPOST_UPDATER_GIT_WORK_DIR: join(dir, 'gitops'),
      ANCHORPOST_UPDATER_SIGNING_KEY_FILE: join(dir, 'no-key'),
      ANCHORPOST_UPDATER_ARGOCD_URL: 'http://127.0.0.1:9',
      ANCHORPOST_UPDATER_ARGOCD_TOKEN_FILE: join(dir, 'argocd-token'),
      ANCHORPOST_UPDATER_RELAY_URL: relay.url,
      ANCHORPOST_UPDATER_RELAY_API_KEY_FILE: relay.apiKeyFile,
      ANCHORPOST_UPDATER_IDENTITY_FILE: join(dir, 'identity.json'),
      ANCHORPOST_UPDATER_DEPLOY_LOG_GROUP_FILE: join(dir, 'group.json'),
    };
  });
  after(async () => {
    await relay.close();
    await content.close();
    await database.close();
    await postgres.stop();
    await chain.close();
    await rm(dir, { recursive: true, force: true });
  });

  const start = (relayUrl: string): Promise<RunningService> =>
    startUpdaterService({
      config: loadConfig(updaterConfigSchema, { ...env, ANCHORPOST_UPDATER_RELAY_URL: relayUrl }),
      ergoBlocks: blocks,
      rpcUrls: [chain.anvil.rpcUrl],
      chainId: 31337,
      database,
      store: content,
      logger: createLogger('updater', { level: 'silent' }),
      port: 0,
      handleSignals: false,
    });

  /** A release proposal voted down, its end at the confirmation depth. */
  async function defeated(version: bigint): Promise<void> {
    const approval = {
      manifestSha256: 'ab'.repeat(32),
      manifestCid: 'bafkreidefeated',
      version,
      rollback: false,
    };
    const { proposalId } = await chain.client.propose(chain.voters[0], approval);
    await chain.advanceTime(chain.parameters.votingDelay + 1);
    await chain.client.castVote(chain.voters[0], proposalId, 'against');
    await chain.advanceTime(chain.parameters.votingPeriod + 1);
    await chain.rpc.request('anvil_mine', ['0x3']);
  }

  const files = () => database.prisma.updaterDeployLogTxFile.findMany({ orderBy: { seq: 'asc' } });
  const receipts = () => relay.database.prisma.relayReceipt.findMany();

  async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  it('sends each record once, as the stored bytes, across restarts', async () => {
    await defeated(1n);
    // 1. The relay out of reach: the record's file is built and stored, not sent.
    let service = await start('http://127.0.0.1:9');
    const stored = await until('the first file stored', async () => {
      const rows = await files();
      return rows.length === 1 ? rows : undefined;
    });
    await service.close();
    assert.equal(stored[0]!.submittedAt, null);
    assert.equal((await receipts()).length, 0);

    // 2. Restarted with the relay: the stored bytes arrive; nothing is rebuilt.
    service = await start(relay.url);
    await until('the first file at the relay', async () =>
      (await receipts()).length === 1 ? true : undefined,
    );
    await until('the first file marked sent', async () =>
      (await files())[0]!.submittedAt === null ? undefined : true,
    );
    assert.deepEqual(
      (await receipts()).map((r) => r.cid),
      [stored[0]!.cid],
    );
    assert.deepEqual(new Uint8Array((await files())[0]!.bytes), new Uint8Array(stored[0]!.bytes));
    await service.close();

    // 3. Restarted again, a new record: its file chains on the first (the relay takes it) and
    // the first is not sent again.
    service = await start(relay.url);
    try {
      await defeated(2n);
      await until('the second file at the relay', async () =>
        (await receipts()).length === 2 ? true : undefined,
      );
      const sent = await files();
      const log = await database.prisma.updaterDeployLog.findMany({ orderBy: { seq: 'asc' } });
      assert.deepEqual(
        log.map((r) => `${r.step} ${r.code ?? ''}`),
        ['ignored DEFEATED', 'ignored DEFEATED'],
      );
      assert.deepEqual(
        (await receipts()).map((r) => r.cid).sort(),
        sent.map((f) => f.cid).sort(),
        'one receipt per record, for the bytes the updater stored',
      );
    } finally {
      await service.close();
    }
  });
});
