// The ReceiptStore contract against both stores: in memory, and PostgreSQL via @anchorpost/db on
// an embedded PGlite in a temp folder (migrated like a real deployment).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, EMBEDDED_POOL_SIZE, migrate, startEmbeddedPostgres } from '@anchorpost/db';
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
