// The one persisted-request repository on both of its tables, against the embedded PGlite and a
// real PostgreSQL when ANCHORPOST_TEST_POSTGRES_URL names one (skipped without it): the anchorer's
// requests round-trip every field, write only on top of the stored version and list open pages;
// the sponsor's transactions show the rest — a column written once by create (the digest), a
// create refused for a unique column that is another row's, an account's last sequence — and a
// row no writer of ours stores reads as INVALID_VALUE naming the table and the row.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AnchorRequestRecord } from '../src/anchor-request-repository.ts';
import { createDatabase } from '../src/create-database.ts';
import type { Database } from '../src/create-database.ts';
import { DbError } from '@anchorpost/db-port';
import { EMBEDDED_POOL_SIZE, startEmbeddedPostgres } from '../src/embedded-postgres.ts';
import { migrate } from '../src/migrations/migrate.ts';
import type { SponsorTransactionRow } from '../src/sponsor-transaction-repository.ts';
import { fixtureCid } from '../src/testing/fixtures.ts';
import { createTestDatabase, testPostgresForTests } from '../src/testing/test-postgres.ts';

const T0 = '2026-11-22T06:00:00.000Z';
const T1 = '2026-11-22T06:01:00.123Z';

function pending(chain: string, sequence: number): AnchorRequestRecord {
  return {
    chain,
    sequence,
    root: 'ab'.repeat(32),
    batchCid: fixtureCid(`batch/${sequence}`),
    state: 'pending',
    version: 1,
    createdAt: T0,
    updatedAt: T0,
    nonce: null,
    attempts: [],
    inclusion: null,
    confirmations: 0,
    lastError: null,
    failure: null,
  };
}

function mined(record: AnchorRequestRecord): AnchorRequestRecord {
  return {
    ...record,
    state: 'mined',
    version: record.version + 1,
    updatedAt: T1,
    nonce: 2 ** 40,
    attempts: [
      {
        txHash: `0x${'cd'.repeat(32)}`,
        rawTransaction: `0x02${'ef'.repeat(90)}`,
        fees: { maxFeePerGas: '340282366920938463463374607431768211455', gasLimit: '60000' },
        submittedAt: T1,
      },
    ],
    inclusion: {
      txHash: `0x${'cd'.repeat(32)}`,
      blockNumber: 2 ** 50,
      blockHash: `0x${'01'.repeat(32)}`,
      blockTime: T1,
      logIndex: 0,
      adopted: true,
    },
    confirmations: 1,
    lastError: { code: 'RPC_ERROR', message: 'line\n"quoted" ü', at: T1 },
    failure: null,
  };
}

const ACCOUNT = 'evm:31337:0xa';

function transaction(sequence: number, digest: string): SponsorTransactionRow {
  return {
    chain: ACCOUNT,
    sequence,
    digest,
    state: 'pending',
    version: 1,
    nonce: null,
    createdAt: T0,
    updatedAt: T0,
    record: { sequence, digest, note: 'the engine record, whole' },
  };
}

function isDbError(code: string, message?: RegExp): (error: unknown) => boolean {
  return (error) => error instanceof DbError && error.code === code && (message?.test(error.message) ?? true);
}

interface OpenedDatabase {
  readonly database: Database;
  close(): Promise<void>;
}

function persistedRequestSuite(where: string, open: () => Promise<OpenedDatabase>): void {
  describe(`PersistedRequestRepository on ${where}`, () => {
    let opened: OpenedDatabase | undefined;
    let database: Database;

    before(async () => {
      opened = await open();
      database = opened.database;
    });

    after(async () => {
      await opened?.close();
    });

    describe('anchor_request', () => {
      it('creates once, keeps the first writer and round-trips every field', async () => {
        const repo = database.anchorRequests;
        const first = pending('evm:1', 0);
        assert.deepEqual(await repo.create(first), first);
        assert.deepEqual(await repo.create({ ...first, root: 'cd'.repeat(32) }), first);
        const next = mined(first);
        assert.deepEqual(await repo.update(next), { outcome: 'updated' });
        assert.deepEqual(await repo.get('evm:1', 0), next);
        assert.equal(await repo.get('evm:1', 1), null);
      });

      it('writes only on top of the stored version and tells stale from missing', async () => {
        const repo = database.anchorRequests;
        const created = await repo.create(pending('evm:2', 5));
        const next = mined(created);
        assert.deepEqual(await repo.update(next), { outcome: 'updated' });
        assert.deepEqual(await repo.update(next), { outcome: 'stale', storedVersion: 2 });
        assert.deepEqual(await repo.update(mined(pending('evm:2', 6))), { outcome: 'missing' });
        const failed = {
          ...next,
          state: 'failed' as const,
          version: 3,
          failure: { code: 'X', message: 'y', at: T1 },
          lastError: null,
        };
        assert.deepEqual(await repo.update(failed), { outcome: 'updated' });
        assert.deepEqual(await repo.get('evm:2', 5), failed);
      });

      it('lists open requests of one chain in sequence order', async () => {
        const repo = database.anchorRequests;
        for (const sequence of [4, 1, 3]) await repo.create(pending('evm:3', sequence));
        await repo.create(pending('evm:4', 2));
        await repo.update({ ...pending('evm:3', 3), state: 'finalized', version: 2 });
        const open = await repo.listOpen('evm:3', { afterSequence: -1, limit: 10 });
        assert.deepEqual(
          open.map((record) => record.sequence),
          [1, 4],
        );
        assert.deepEqual(await repo.listOpen('evm:3', { afterSequence: 1, limit: 10 }), [
          pending('evm:3', 4),
        ]);
      });

      it('refuses times the column could not hold exactly', async () => {
        await assert.rejects(
          database.anchorRequests.create({ ...pending('evm:5', 0), createdAt: '2026-11-22T06:00:00Z' }),
          (error: unknown) => error instanceof DbError && error.code === 'INVALID_ARGUMENT',
        );
        assert.equal(await database.anchorRequests.get('evm:5', 0), null);
      });
    });

    describe('sponsor_transaction, and what every table shares', () => {
      it('draws sequences after the last one of a chain', async () => {
        const rows = database.sponsorTransactions;
        assert.equal(await rows.lastSequence(ACCOUNT), -1);
        await rows.create(transaction(0, '0xd0'));
        await rows.create(transaction(7, '0xd7'));
        assert.equal(await rows.lastSequence(ACCOUNT), 7);
        assert.equal(await rows.lastSequence('evm:31337:0xb'), -1);
      });

      it("leaves a column written once alone on update (the sponsorship's digest)", async () => {
        const rows = database.sponsorTransactions;
        const created = await rows.create(transaction(20, '0xd20'));
        const sent = { ...created, state: 'submitted' as const, version: 2, nonce: 3, updatedAt: T1 };
        assert.deepEqual(await rows.update({ ...sent, digest: '0xother' }), { outcome: 'updated' });
        assert.deepEqual(await rows.get(ACCOUNT, 20), sent);
        assert.deepEqual(await rows.getByDigest('0xd20'), sent);
        assert.equal(await rows.getByDigest('0xother'), null);
      });

      it('refuses a create whose unique column is another row’s, with the table’s words', async () => {
        const rows = database.sponsorTransactions;
        await rows.create(transaction(30, '0xd30'));
        await assert.rejects(
          rows.create(transaction(31, '0xd30')),
          isDbError('CONFLICT', /^sponsorship 0xd30 already has a transaction$/),
        );
        assert.equal(await rows.get(ACCOUNT, 31), null);
      });

      it('reads a row no writer of ours stores as INVALID_VALUE, naming the table and the row', async () => {
        await database.sponsorTransactions.create(transaction(40, '0xd40'));
        await database.prisma.$executeRaw`UPDATE sponsor_transaction SET record = '[1]' WHERE sequence = 40`;
        await assert.rejects(
          database.sponsorTransactions.get(ACCOUNT, 40),
          isDbError('INVALID_VALUE', /^sponsor_transaction evm:31337:0xa#40: record is not an object$/),
        );
        await database.anchorRequests.create(pending('evm:9', 1));
        await database.prisma
          .$executeRaw`UPDATE anchor_request SET nonce = 9007199254740993 WHERE chain = 'evm:9'`;
        await assert.rejects(
          database.anchorRequests.listOpen('evm:9', { afterSequence: -1, limit: 10 }),
          isDbError(
            'INVALID_VALUE',
            /^anchor_request evm:9#1: nonce: 9007199254740993 is not a safe integer$/,
          ),
        );
      });
    });
  });
}

persistedRequestSuite('PGlite', async () => {
  const server = await startEmbeddedPostgres();
  await migrate(server.databaseUrl);
  const database = createDatabase({ databaseUrl: server.databaseUrl, poolSize: EMBEDDED_POOL_SIZE });
  return {
    database,
    close: async () => {
      await database.close();
      await server.stop();
    },
  };
});

const realPostgres = testPostgresForTests();

if ('skip' in realPostgres) {
  it('PersistedRequestRepository on PostgreSQL', { skip: realPostgres.skip }, () => undefined);
} else {
  persistedRequestSuite('PostgreSQL', async () => {
    const testDatabase = await createTestDatabase(realPostgres.adminUrl, 'anchorpost_requests');
    await migrate(testDatabase.databaseUrl);
    const database = createDatabase({ databaseUrl: testDatabase.databaseUrl, poolSize: 2 });
    return {
      database,
      close: async () => {
        await database.close();
        await testDatabase.drop();
      },
    };
  });
}
