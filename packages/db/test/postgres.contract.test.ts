// The database contract against a real PostgreSQL server, when one is given:
//   ANCHORPOST_TEST_POSTGRES_URL=postgresql://user:password@127.0.0.1:5432/postgres
// (a role allowed to CREATE DATABASE). Each test database is created fresh and dropped after.
// Without the variable the suite is skipped.
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import pg from 'pg';
import { databaseContract } from '../src/testing/index.ts';
import type { DatabaseUnderTest } from '../src/testing/index.ts';

const adminUrl = process.env['ANCHORPOST_TEST_POSTGRES_URL'];

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

if (adminUrl === undefined || adminUrl === '') {
  describe('database contract: PostgreSQL', () => {
    it(
      'runs when ANCHORPOST_TEST_POSTGRES_URL names a server',
      { skip: 'ANCHORPOST_TEST_POSTGRES_URL is not set' },
      () => {},
    );
  });
} else {
  databaseContract('PostgreSQL', {
    separateSessions: true,
    async create(): Promise<DatabaseUnderTest> {
      const name = `anchorpost_test_${randomBytes(6).toString('hex')}`;
      await admin((client) => client.query(`CREATE DATABASE "${name}"`));
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return {
        databaseUrl: url.toString(),
        poolSize: 4,
        // The suite cannot restart someone else's server; ending every session of the database
        // is what clients see of a restart (their connections die; the data stays).
        async restart() {
          await admin((client) =>
            client.query(
              'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
              [name],
            ),
          );
        },
        async destroy() {
          await admin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
        },
      };
    },
  });
}
