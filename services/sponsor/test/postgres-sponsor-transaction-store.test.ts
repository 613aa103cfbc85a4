/**
 * The sponsor engine's store on PGlite: what the database itself guarantees beyond the engine's
 * compare-and-swap — one transaction per sponsorship, one row per account nonce.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { AnchorState, ChainErrorCode, newEngineRecord, transition } from '@anchorpost/chains';
import { createDatabase, EMBEDDED_POOL_SIZE, migrate, startEmbeddedPostgres } from '@anchorpost/db';
import type { Database, EmbeddedPostgres } from '@anchorpost/db';
import type { SponsorTransactionRecord } from '@anchorpost/sponsor-contracts';
import { PostgresSponsorTransactionStore } from '../src/sending/postgres-sponsor-transaction-store.ts';

const ACCOUNT = 'evm:31337:0x70997970c51812dc3a010c7d01b50e0d17dc79c8';
const AT = new Date('2026-12-06T12:00:00.000Z');

let server: EmbeddedPostgres;
let database: Database;
let store: PostgresSponsorTransactionStore;

before(async () => {
  server = await startEmbeddedPostgres();
  await migrate(server.databaseUrl);
  database = createDatabase({ databaseUrl: server.databaseUrl, poolSize: EMBEDDED_POOL_SIZE });
  store = new PostgresSponsorTransactionStore(database.sponsorTransactions);
});
after(async () => {
  await database.close();
  await server.stop();
});

function record(sequence: number, digest: string): SponsorTransactionRecord {
  return newEngineRecord(
    ACCOUNT,
    {
      sequence,
      digest,
      to: `0x${'11'.repeat(20)}`,
      data: '0x1234',
      gasLimit: '60000',
      maxFeePerGas: '3000000000',
    },
    AT,
  );
}

const signed = (r: SponsorTransactionRecord, nonce: number): SponsorTransactionRecord =>
  transition(
    r,
    AnchorState.Submitted,
    {
      nonce,
      attempts: [
        {
          txHash: `0x${nonce.toString(16).padStart(64, '0')}`,
          rawTransaction: '0x02',
          fees: { maxFeePerGas: '3000000000', maxPriorityFeePerGas: '1000000000', gasLimit: '60000' },
          submittedAt: AT.toISOString(),
        },
      ],
    },
    AT,
  );

it('keeps the record whole, finds it by digest, and draws sequences after the last one', async () => {
  assert.equal(await store.lastSequence(ACCOUNT), -1);
  const first = record(1, `0x${'a1'.repeat(32)}`);
  assert.deepEqual(await store.create(first), first);
  await store.update(signed(first, 0));
  assert.deepEqual(await store.getByDigest(first.digest), signed(first, 0));
  assert.equal(await store.lastSequence(ACCOUNT), 1);
  assert.deepEqual(
    (await store.listOpen(ACCOUNT, { afterSequence: -1, limit: 10 })).map((r) => r.sequence),
    [1],
  );
});

it('refuses a second transaction for a sponsorship already taken', async () => {
  const digest = `0x${'b2'.repeat(32)}`;
  await store.create(record(2, digest));
  await assert.rejects(store.create(record(3, digest)), { code: 'CONFLICT' });
});

it('refuses a second row holding an account nonce, and a write based on a stale version', async () => {
  const one = record(4, `0x${'c3'.repeat(32)}`);
  const two = record(5, `0x${'c4'.repeat(32)}`);
  await store.create(one);
  await store.create(two);
  await store.update(signed(one, 7));
  await assert.rejects(store.update(signed(two, 7)), { code: 'UNIQUE_VIOLATION' });
  await assert.rejects(store.update(signed(one, 8)), { code: ChainErrorCode.StoreConflict });
});
