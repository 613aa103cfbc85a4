// The one persisted-request repository, on both of its tables (embedded PGlite): what the
// anchorer's table test does not show — a column written once by create (the sponsor's digest), a
// create refused for a unique column that is another row's, an account's last sequence, and a
// row no writer of ours stores read as INVALID_VALUE naming the table and the row.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DbError } from '@anchorpost/db-port';
import { createDatabase } from '../src/create-database.ts';
import type { Database } from '../src/create-database.ts';
import { EMBEDDED_POOL_SIZE, startEmbeddedPostgres } from '../src/embedded-postgres.ts';
import type { EmbeddedPostgres } from '../src/embedded-postgres.ts';
import { migrate } from '../src/migrations/migrate.ts';
import type { SponsorTransactionRow } from '../src/sponsor-transaction-repository.ts';
import { fixtureCid } from '../src/testing/fixtures.ts';

const T0 = '2026-12-07T09:00:00.000Z';
const T1 = '2026-12-07T09:00:01.000Z';
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

describe('PersistedRequestRepository (embedded PGlite)', () => {
  let server: EmbeddedPostgres | undefined;
  let database: Database;

  before(async () => {
    server = await startEmbeddedPostgres();
    await migrate(server.databaseUrl);
    database = createDatabase({ databaseUrl: server.databaseUrl, poolSize: EMBEDDED_POOL_SIZE });
  });

  after(async () => {
    await (database as Database | undefined)?.close();
    await server?.stop();
  });

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
    await database.anchorRequests.create({
      chain: 'evm:9',
      sequence: 1,
      root: 'ab'.repeat(32),
      batchCid: fixtureCid('batch/1'),
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
    });
    await database.prisma
      .$executeRaw`UPDATE anchor_request SET nonce = 9007199254740993 WHERE chain = 'evm:9'`;
    await assert.rejects(
      database.anchorRequests.listOpen('evm:9', { afterSequence: -1, limit: 10 }),
      isDbError('INVALID_VALUE', /^anchor_request evm:9#1: nonce: 9007199254740993 is not a safe integer$/),
    );
  });
});
