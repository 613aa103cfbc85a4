// The AnchorRequestStore contract on the embedded PGlite, and on a real PostgreSQL when
// ANCHORPOST_TEST_POSTGRES_URL names one (a fresh database is created there and dropped after;
// skipped without it, failing with ANCHORPOST_REQUIRE_POSTGRES=1).
import { it } from 'node:test';
import { anchorRequestStoreContract } from '@anchorpost/chains/testing';
import { createDatabase, EMBEDDED_POOL_SIZE, migrate, startEmbeddedPostgres } from '@anchorpost/db';
import { createTestDatabase, testPostgresForTests } from '@anchorpost/db/testing';
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

const realPostgres = testPostgresForTests();

if ('skip' in realPostgres) {
  it(
    'AnchorRequestStore contract: PostgresAnchorRequestStore on PostgreSQL',
    { skip: realPostgres.skip },
    () => undefined,
  );
} else {
  anchorRequestStoreContract('PostgresAnchorRequestStore on PostgreSQL', async () => {
    const testDatabase = await createTestDatabase(realPostgres.adminUrl, 'anchorpost_anchorer');
    await migrate(testDatabase.databaseUrl);
    // Two connections, so the concurrent-writers test really races on the server.
    const database = createDatabase({ databaseUrl: testDatabase.databaseUrl, poolSize: 4 });
    return {
      store: new PostgresAnchorRequestStore(database.anchorRequests),
      close: async () => {
        await database.close();
        await testDatabase.drop();
      },
    };
  });
}
