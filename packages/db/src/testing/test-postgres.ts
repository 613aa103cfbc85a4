/**
 * Tests against a real PostgreSQL server, shared by every suite that has one (this package's
 * contract, the relay's receipt store, the anchorer's request store).
 *
 * ANCHORPOST_TEST_POSTGRES_URL names the server: a role that may CREATE DATABASE
 * (scripts/start-postgres.sh prints one). Without it those tests skip, except with
 * ANCHORPOST_REQUIRE_POSTGRES=1, where they fail, so a CI run cannot pass without having run them.
 * Each test gets a database of its own, created fresh and dropped after, so suites and test
 * files running at the same time can share one server.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Whether a missing server must fail the tests rather than skip them. */
export function postgresRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return env['ANCHORPOST_REQUIRE_POSTGRES'] === '1';
}

/**
 * The server for a test file, or a reason to skip. Throws when none is given but one is
 * required (see postgresRequired), so the run fails instead of quietly skipping.
 */
export function testPostgresForTests(
  env: NodeJS.ProcessEnv = process.env,
): { adminUrl: string } | { skip: string } {
  const adminUrl = env['ANCHORPOST_TEST_POSTGRES_URL'];
  if (adminUrl !== undefined && adminUrl !== '') return { adminUrl };
  const why = 'ANCHORPOST_TEST_POSTGRES_URL is not set (scripts/start-postgres.sh prints one)';
  if (postgresRequired(env)) throw new Error(`${why}; required because ANCHORPOST_REQUIRE_POSTGRES=1`);
  return { skip: why };
}

/** A database of its own on the test server. */
export interface TestDatabase {
  readonly name: string;
  /** The admin URL with this database's name. */
  readonly databaseUrl: string;
  /** Ends every session of the database but ours: what clients see of a server restart. */
  terminateSessions(): Promise<void>;
  /** Drops it, ending any session still open. */
  drop(): Promise<void>;
  /** Creates it again, empty, under the same name (after drop(): an operator's restore from nothing). */
  recreate(): Promise<void>;
}

async function asAdmin<T>(adminUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database named `<prefix>_<random>` on the server at adminUrl. */
export async function createTestDatabase(adminUrl: string, prefix: string): Promise<TestDatabase> {
  if (!/^[a-z][a-z0-9_]{0,40}$/.test(prefix)) throw new Error(`bad test database prefix "${prefix}"`);
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await asAdmin(adminUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    databaseUrl: url.toString(),
    async terminateSessions() {
      await asAdmin(adminUrl, (client) =>
        client.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [name],
        ),
      );
    },
    async drop() {
      await asAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
    async recreate() {
      await asAdmin(adminUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
    },
  };
}
