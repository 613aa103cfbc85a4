// The relay and the proof API as two processes on one real PostgreSQL database, when
// ANCHORPOST_TEST_POSTGRES_URL names a server (a database of its own, dropped after): the proof
// API answers for the file the relay accepted.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, testPostgresForTests, type TestDatabase } from '@anchorpost/db/testing';
import { relayFiles, relayReady, running, startMain, stop, submit } from './main-process.ts';

describe('stand-alone service mains on PostgreSQL', { timeout: 120_000 }, () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'anchorpost-mains-pg-'));
  });
  after(async () => {
    for (const child of running) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  const postgres = testPostgresForTests();
  it(
    'runs the relay and the proof API as two processes on one PostgreSQL database',
    'skip' in postgres ? { skip: postgres.skip } : {},
    async () => {
      if ('skip' in postgres) return;
      const database: TestDatabase = await createTestDatabase(postgres.adminUrl, 'mains');
      try {
        const files = await relayFiles(join(dir, 'pg-files'));
        const shared = {
          ANCHORPOST_DATA_DIR: join(dir, 'pg'),
          ANCHORPOST_DATABASE_URL: database.databaseUrl,
        };
        const relay = startMain('relay', { ...shared, ...files.settings });
        const http = (await relay.log(relayReady))['http'] as string;
        const cid = await submit(http, await files.txFile());

        const proofApi = startMain('proof-api', {
          ...shared,
          ANCHORPOST_PROOF_API_PORT: '0',
          ANCHORPOST_PROOF_API_MANAGEMENT_PORT: '0',
          ANCHORPOST_EVM_RPC_URLS: 'http://127.0.0.1:9',
          ANCHORPOST_EVM_CHAIN_ID: '31337',
        });
        const url = (await proofApi.log((line) => line['msg'] === 'proof-api listening'))['url'] as string;
        const pending = await fetch(`${url}/v1/proofs/${cid}`);
        assert.equal(pending.status, 202);
        assert.deepEqual(await pending.json(), { cid, status: 'pending', stage: 'accepted' });
        const unknown = await fetch(`${url}/v1/proofs/${cid.slice(0, -4)}aaaa`);
        assert.equal(unknown.status, 404);

        assert.equal(await stop(proofApi), 0);
        assert.equal(await stop(relay), 0);
      } finally {
        await database.drop();
      }
    },
  );
});
