// relay-core's QuotaStore and UsageStore contracts against the PostgreSQL adapters, via
// @anchorpost/db on an embedded PGlite (migrated like a real deployment), and on a real
// PostgreSQL when ANCHORPOST_TEST_POSTGRES_URL names one (where concurrent takers really race).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import {
  createDatabase,
  EMBEDDED_POOL_SIZE,
  migrate,
  startEmbeddedPostgres,
  type Database,
} from '@anchorpost/db';
import { createTestDatabase, testPostgresForTests } from '@anchorpost/db/testing';
import { quotaStoreContract, usageStoreContract, type UsageStoreSeed } from '@anchorpost/relay-core/testing';
import { PostgresQuotaStore } from '../src/postgres-quota-store.ts';
import { PostgresUsageStore } from '../src/postgres-usage-store.ts';

/** Rows as the relay (receipts) and the parser (batches) write them. */
function seedOf(database: Database): UsageStoreSeed {
  let sequence = 0;
  return {
    receipt: async (tenantId, cid, acceptedAt) => {
      sequence += 1;
      await database.prisma.relayReceipt.create({
        data: {
          cid,
          sequence: BigInt(sequence),
          recipientHash: 'a'.repeat(128),
          acceptedAt: new Date(acceptedAt),
          relayKeyId: 'b'.repeat(64),
          signature: 'c2lnbmF0dXJl',
          state: 'published',
          tenantId,
        },
      });
    },
    batch: async (platform, batchSequence, cid, entries) => {
      await database.prisma.batch.create({
        data: {
          cid,
          platform,
          sequence: BigInt(batchSequence),
          sealedAt: new Date(),
          merkleRoot: 'd'.repeat(64),
          count: entries.length,
          entries: { create: entries.map((txFileCid, index) => ({ index, txFileCid })) },
        },
      });
    },
  };
}

interface Opened {
  database: Database;
  destroy: () => Promise<void>;
}

async function embedded(): Promise<Opened> {
  const dataDir = await mkdtemp(join(tmpdir(), 'anchorpost-relay-quotas-'));
  const server = await startEmbeddedPostgres({ dataDir });
  await migrate(server.databaseUrl);
  const database = createDatabase({ databaseUrl: server.databaseUrl, poolSize: EMBEDDED_POOL_SIZE });
  return {
    database,
    async destroy() {
      await database.close();
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function contracts(name: string, open: () => Promise<Opened>): void {
  quotaStoreContract(name, {
    async create() {
      const { database, destroy } = await open();
      return { store: new PostgresQuotaStore(database.prisma), destroy };
    },
  });
  usageStoreContract(name, {
    async create() {
      const { database, destroy } = await open();
      return { store: new PostgresUsageStore(database.prisma), seed: seedOf(database), destroy };
    },
  });
}

contracts('PostgreSQL (embedded PGlite)', embedded);

// A deployment keeps the relay's database and the parser's index apart: the report reads both.
usageStoreContract('PostgreSQL, the index in another database (embedded PGlite)', {
  async create() {
    const [state, index] = await Promise.all([embedded(), embedded()]);
    const seeds = { state: seedOf(state.database), index: seedOf(index.database) };
    return {
      store: new PostgresUsageStore(state.database.prisma, index.database.prisma),
      seed: { receipt: seeds.state.receipt, batch: seeds.index.batch },
      async destroy() {
        await Promise.all([state.destroy(), index.destroy()]);
      },
    };
  },
});

const realPostgres = testPostgresForTests();
if ('skip' in realPostgres) {
  it(
    'QuotaStore and UsageStore contracts: PostgreSQL (server)',
    { skip: realPostgres.skip },
    () => undefined,
  );
} else {
  contracts('PostgreSQL (server)', async () => {
    const testDatabase = await createTestDatabase(realPostgres.adminUrl, 'anchorpost_quotas');
    await migrate(testDatabase.databaseUrl);
    const database = createDatabase({ databaseUrl: testDatabase.databaseUrl, poolSize: 8 });
    return {
      database,
      async destroy() {
        await database.close();
        await testDatabase.drop();
      },
    };
  });
}
