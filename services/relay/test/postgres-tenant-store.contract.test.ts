// relay-core's TenantStore contract against the PostgreSQL adapter, via @anchorpost/db on an
// embedded PGlite (migrated like a real deployment), and on a real PostgreSQL when
// ANCHORPOST_TEST_POSTGRES_URL names one.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { createDatabase, EMBEDDED_POOL_SIZE, migrate, startEmbeddedPostgres } from '@anchorpost/db';
import { createTestDatabase, testPostgresForTests } from '@anchorpost/db/testing';
import { tenantStoreContract } from '@anchorpost/relay-core/testing';
import { PostgresTenantStore } from '../src/postgres-tenant-store.ts';

tenantStoreContract('PostgreSQL (embedded PGlite)', {
  async create() {
    const dataDir = await mkdtemp(join(tmpdir(), 'anchorpost-relay-tenants-'));
    const server = await startEmbeddedPostgres({ dataDir });
    await migrate(server.databaseUrl);
    const database = createDatabase({ databaseUrl: server.databaseUrl, poolSize: EMBEDDED_POOL_SIZE });
    return {
      store: new PostgresTenantStore(database.prisma),
      async destroy() {
        await database.close();
        await server.stop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  },
});

const realPostgres = testPostgresForTests();

if ('skip' in realPostgres) {
  it('TenantStore contract: PostgreSQL (server)', { skip: realPostgres.skip }, () => undefined);
} else {
  tenantStoreContract('PostgreSQL (server)', {
    async create() {
      const testDatabase = await createTestDatabase(realPostgres.adminUrl, 'anchorpost_tenants');
      await migrate(testDatabase.databaseUrl);
      const database = createDatabase({ databaseUrl: testDatabase.databaseUrl, poolSize: 4 });
      return {
        store: new PostgresTenantStore(database.prisma),
        async destroy() {
          await database.close();
          await testDatabase.drop();
        },
      };
    },
  });
}
