// Start-up from the environment: the config names the bad variable; openDatabase brings up the
// embedded database, migrated, and it keeps its data in ANCHORPOST_DATA_DIR across restarts.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import pg from 'pg';
import { EMBEDDED_SHARED_BUFFERS, startEmbeddedPostgres } from '../src/embedded-postgres.ts';
import { openDatabase } from '../src/open-database.ts';
import { readDatabaseConfig } from '../src/database-config.ts';
import { fixtureBatch, fixtureEntries } from '../src/testing/index.ts';

describe('readDatabaseConfig', () => {
  it('chooses PostgreSQL when ANCHORPOST_DATABASE_URL is set, else the embedded database', () => {
    assert.deepEqual(readDatabaseConfig({ ANCHORPOST_DATABASE_URL: 'postgresql://u:p@db:5432/anchorpost' }), {
      mode: 'postgres',
      databaseUrl: 'postgresql://u:p@db:5432/anchorpost',
      poolSize: 10,
    });
    assert.deepEqual(readDatabaseConfig({ ANCHORPOST_DATA_DIR: '/var/lib/anchorpost' }), {
      mode: 'embedded',
      dataDir: '/var/lib/anchorpost/postgres',
      port: 0,
    });
  });

  it('refuses bad values and names the variable', () => {
    for (const [env, key] of [
      [{ ANCHORPOST_DATABASE_URL: 'mysql://x' }, 'ANCHORPOST_DATABASE_URL'],
      [{ ANCHORPOST_DATABASE_URL: 'not a url' }, 'ANCHORPOST_DATABASE_URL'],
      [
        { ANCHORPOST_DATABASE_URL: 'postgresql://db/x', ANCHORPOST_DATABASE_POOL_SIZE: '0' },
        'ANCHORPOST_DATABASE_POOL_SIZE',
      ],
      [
        { ANCHORPOST_DATABASE_URL: 'postgresql://db/x', ANCHORPOST_DATABASE_POOL_SIZE: '2.5' },
        'ANCHORPOST_DATABASE_POOL_SIZE',
      ],
      [{ ANCHORPOST_EMBEDDED_POSTGRES_PORT: '70000' }, 'ANCHORPOST_EMBEDDED_POSTGRES_PORT'],
    ] as const) {
      assert.throws(() => readDatabaseConfig(env), {
        name: 'ConfigError',
        code: 'BAD_CONFIG',
        key,
        message: new RegExp(`^${key}: `),
      });
    }
  });

  it('never echoes the URL: it may carry the password', () => {
    assert.throws(
      () => readDatabaseConfig({ ANCHORPOST_DATABASE_URL: 'mysql://u:hunter2@db/x' }),
      (error: unknown) => error instanceof Error && !error.message.includes('hunter2'),
    );
  });
});

describe('openDatabase (embedded)', () => {
  it('starts, migrates and reopens the embedded database with its data', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'anchorpost-open-'));
    try {
      const config = readDatabaseConfig({ ANCHORPOST_DATA_DIR: dataDir });
      const batch = fixtureBatch('open', 0, 3);
      const first = await openDatabase(config);
      try {
        await first.database.index.recordBatch(batch, fixtureEntries('open', 3));
      } finally {
        await first.close();
      }
      const second = await openDatabase(config);
      try {
        assert.deepEqual(await second.database.index.getBatch(batch.cid), batch);
      } finally {
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('keeps the embedded buffer cache small (it stays resident in the process)', async () => {
    const server = await startEmbeddedPostgres();
    const client = new pg.Client({ connectionString: server.databaseUrl });
    try {
      await client.connect();
      const { rows } = await client.query<{ shared_buffers: string }>('SHOW shared_buffers');
      assert.equal(rows[0]?.shared_buffers, EMBEDDED_SHARED_BUFFERS);
    } finally {
      await client.end();
      await server.stop();
    }
  });
});
