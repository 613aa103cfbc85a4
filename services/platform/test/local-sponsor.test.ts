/**
 * The sponsor in the one-process platform: on first start its contracts are deployed on the local
 * chain, its key and an empty policy file written to the data folder; on the next start the same
 * contracts are found again, not deployed twice; it answers readiness and serves no tenant until
 * one has a policy (403 UNKNOWN_TENANT).
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { JsonRpcPool, startAnvil } from '@anchorpost/chains';
import type { Anvil } from '@anchorpost/chains';
import { createDatabase, EMBEDDED_POOL_SIZE, migrate, startEmbeddedPostgres } from '@anchorpost/db';
import type { Database, EmbeddedPostgres } from '@anchorpost/db';
import { newApiKey } from '@anchorpost/relay-core';
import { createLogger } from '@anchorpost/service-kit';
import { dataDir } from '../src/data-dir.ts';
import type { DataDir } from '../src/data-dir.ts';
import { startLocalSponsor } from '../src/local-sponsor.ts';

let anvil: Anvil;
let server: EmbeddedPostgres;
let database: Database;
let root: string;
let dirs: DataDir;

before(async () => {
  anvil = await startAnvil();
  server = await startEmbeddedPostgres();
  await migrate(server.databaseUrl);
  database = createDatabase({ databaseUrl: server.databaseUrl, poolSize: EMBEDDED_POOL_SIZE });
  root = await mkdtemp(join(tmpdir(), 'anchorpost-platform-sponsor-'));
  dirs = dataDir(root);
  await mkdir(dirs.evm, { recursive: true });
});
after(async () => {
  await database.close();
  await server.stop();
  await anvil.stop();
  await rm(root, { recursive: true, force: true });
});

const start = () =>
  startLocalSponsor({
    env: {
      ANCHORPOST_SPONSOR_HTTP_PORT: '0',
      ANCHORPOST_SPONSOR_GRPC_PORT: '0',
      ANCHORPOST_SPONSOR_MANAGEMENT_PORT: '0',
    },
    dirs,
    chain: { rpcUrl: anvil.rpcUrl, chainId: anvil.chainId, privateKeys: anvil.privateKeys },
    database,
    logger: createLogger('platform', { level: 'warn' }),
  });

it('deploys the sponsor contracts once, keeps its key 0600, and serves no tenant without a policy', async () => {
  const first = await start();
  const deployed = JSON.parse(await readFile(dirs.sponsorDeployment, 'utf8')) as { forwarder: string };
  try {
    const rpc = new JsonRpcPool({ urls: [anvil.rpcUrl] });
    assert.notEqual(await rpc.request<string>('eth_getCode', [deployed.forwarder, 'latest']), '0x');
    assert.equal((await stat(dirs.sponsorKey)).mode & 0o777, 0o600);
    assert.equal((await readFile(dirs.sponsorKey, 'utf8')).trim(), anvil.privateKeys[1]);
    assert.equal((await fetch(`${first.urls['http']}/readyz`)).status, 200);
    await database.prisma.tenant.create({ data: { id: 'acme' } });
    const key = newApiKey();
    await database.prisma.apiKey.create({
      data: { id: key.id, tenantId: 'acme', secretHash: key.secretHash, scopes: ['submit'] },
    });
    const refused = await fetch(`${first.urls['http']}/v1/sponsorships`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(refused.status, 403);
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'UNKNOWN_TENANT');
  } finally {
    await first.close();
  }
  const second = await start();
  try {
    const again = JSON.parse(await readFile(dirs.sponsorDeployment, 'utf8')) as { forwarder: string };
    assert.equal(again.forwarder, deployed.forwarder, 'found again, not deployed twice');
  } finally {
    await second.close();
  }
});
