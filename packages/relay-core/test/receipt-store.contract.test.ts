// The ReceiptStore contract against both stores: in memory, and PostgreSQL via @anchorpost/db on
// an embedded PGlite in a temp folder (migrated like a real deployment) and on a real PostgreSQL
// when ANCHORPOST_TEST_POSTGRES_URL names one (a database of its own, dropped after; skipped
// without it, failing with ANCHORPOST_REQUIRE_POSTGRES=1).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { createDatabase, EMBEDDED_POOL_SIZE, migrate, startEmbeddedPostgres } from '@anchorpost/db';
import { createTestDatabase, testPostgresForTests } from '@anchorpost/db/testing';
import { MemoryReceiptStore } from '../src/memory-receipt-store.ts';
import { PostgresReceiptStore } from '../src/postgres-receipt-store.ts';
import { receiptStoreContract } from '../src/testing/contract.ts';

receiptStoreContract('in memory', {
  create() {
    return Promise.resolve({ store: new MemoryReceiptStore(), destroy: () => Promise.resolve() });
  },
});

receiptStoreContract('PostgreSQL (embedded PGlite)', {
  async create() {
    const dataDir = await mkdtemp(join(tmpdir(), 'anchorpost-relay-receipts-'));
    const server = await startEmbeddedPostgres({ dataDir });
    await migrate(server.databaseUrl);
    const database = createDatabase({ databaseUrl: server.databaseUrl, poolSize: EMBEDDED_POOL_SIZE });
    return {
      store: new PostgresReceiptStore(database.receipts),
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
  it('ReceiptStore contract: PostgreSQL (server)', { skip: realPostgres.skip }, () => undefined);
} else {
  receiptStoreContract('PostgreSQL (server)', {
    async create() {
      const testDatabase = await createTestDatabase(realPostgres.adminUrl, 'anchorpost_relay');
      await migrate(testDatabase.databaseUrl);
      const database = createDatabase({ databaseUrl: testDatabase.databaseUrl, poolSize: 4 });
      return {
        store: new PostgresReceiptStore(database.receipts),
        async destroy() {
          await database.close();
          await testDatabase.drop();
        },
      };
    },
  });
}
