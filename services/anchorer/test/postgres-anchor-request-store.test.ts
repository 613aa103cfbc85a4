// The AnchorRequestStore contract on the embedded PGlite, and on a real PostgreSQL when
// ANCHORPOST_TEST_POSTGRES_URL names one (a fresh database is created there and dropped after).
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { anchorRequestStoreContract } from '@anchorpost/chains/testing';
import { createDatabase, EMBEDDED_POOL_SIZE, migrate, startEmbeddedPostgres } from '@anchorpost/db';
import pg from 'pg';
import { PostgresAnchorRequestStore } from '../src/postgres-anchor-request-store.ts';

anchorRequestStoreContract('PostgresAnchorRequestStore on PGlite', async () => {
  const server = await startEmbeddedPostgres();
  await migrate(server.databaseUrl);
  const database = createDatabase({ databaseUrl: server.databaseUrl, poolSize: EMBEDDED_POOL_SIZE });
  return {
    store: new PostgresAnchorRequestStore(database.anchorRequests),
    close: async () => {
      await database.close();
      await server.stop();
    },
  };
});

const adminUrl = process.env['ANCHORPOST_TEST_POSTGRES_URL'];

if (adminUrl === undefined || adminUrl === '') {
  describe('AnchorRequestStore contract: PostgresAnchorRequestStore on PostgreSQL', () => {
    it(
      'runs when ANCHORPOST_TEST_POSTGRES_URL names a server',
      {
        skip: 'ANCHORPOST_TEST_POSTGRES_URL is not set',
      },
      () => {},
    );
  });
} else {
  const admin = async (sql: string): Promise<void> => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  anchorRequestStoreContract('PostgresAnchorRequestStore on PostgreSQL', async () => {
    const name = `anchorpost_anchorer_${randomBytes(6).toString('hex')}`;
    await admin(`CREATE DATABASE "${name}"`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    await migrate(url.toString());
    // Two connections, so the concurrent-writers test really races on the server.
    const database = createDatabase({ databaseUrl: url.toString(), poolSize: 4 });
    return {
      store: new PostgresAnchorRequestStore(database.anchorRequests),
      close: async () => {
        await database.close();
        await admin(`DROP DATABASE IF EXISTS "${name}"`);
      },
    };
  });
}
