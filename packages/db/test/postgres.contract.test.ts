// The database contract against a real PostgreSQL server, when ANCHORPOST_TEST_POSTGRES_URL names
// one (a role allowed to CREATE DATABASE; scripts/start-postgres.sh prints one). Each test
// database is created fresh and dropped after. Without the variable the suite is skipped, or
// fails with ANCHORPOST_REQUIRE_POSTGRES=1.
import { it } from 'node:test';
import { createTestDatabase, databaseContract, testPostgresForTests } from '../src/testing/index.ts';
import type { DatabaseUnderTest } from '../src/testing/index.ts';

const realPostgres = testPostgresForTests();

if ('skip' in realPostgres) {
  it('database contract: PostgreSQL', { skip: realPostgres.skip }, () => undefined);
} else {
  databaseContract('PostgreSQL', {
    separateSessions: true,
    async create(): Promise<DatabaseUnderTest> {
      const database = await createTestDatabase(realPostgres.adminUrl, 'anchorpost_db');
      return {
        databaseUrl: database.databaseUrl,
        poolSize: 4,
        // The suite cannot restart someone else's server; ending every session of the database
        // is what clients see of a restart (their connections die; the data stays).
        restart: () => database.terminateSessions(),
        destroy: () => database.drop(),
      };
    },
  });
}
