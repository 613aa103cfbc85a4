// The UpdaterStore contract on the embedded PGlite, and on a real PostgreSQL when
// ANCHORPOST_TEST_POSTGRES_URL names one (a fresh database is created there and dropped after;
// skipped without it, failing with ANCHORPOST_REQUIRE_POSTGRES=1).
import { it } from 'node:test';
import { createDatabase, EMBEDDED_POOL_SIZE, migrate, startEmbeddedPostgres } from '@anchorpost/db';
import { createTestDatabase, testPostgresForTests } from '@anchorpost/db/testing';
import { updaterStoreContract } from '@anchorpost/updater-core/testing';
import { PostgresUpdaterStore } from '../src/postgres-updater-store.ts';

updaterStoreContract('PostgresUpdaterStore on PGlite', async () => {
  const server = await startEmbeddedPostgres();
  await migrate(server.databaseUrl);
  const database = createDatabase({ databaseUrl: server.databaseUrl, poolSize: EMBEDDED_POOL_SIZE });
  return {
    store: new PostgresUpdaterStore(database.prisma),
    close: async () => {
      await database.close();
      await server.stop();
    },
  };
});

const realPostgres = testPostgresForTests();

if ('skip' in realPostgres) {
  it(
    'UpdaterStore contract: PostgresUpdaterStore on PostgreSQL',
    { skip: realPostgres.skip },
    () => undefined,
  );
} else {
  updaterStoreContract('PostgresUpdaterStore on PostgreSQL', async () => {
    const testDatabase = await createTestDatabase(realPostgres.adminUrl, 'anchorpost_updater');
    await migrate(testDatabase.databaseUrl);
    const database = createDatabase({ databaseUrl: testDatabase.databaseUrl, poolSize: 4 });
    return {
      store: new PostgresUpdaterStore(database.prisma),
      close: async () => {
        await database.close();
        await testDatabase.drop();
      },
    };
  });
}
