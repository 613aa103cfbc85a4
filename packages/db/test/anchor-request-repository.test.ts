// The anchorer's request repository against the embedded PGlite (the same SQL runs on PostgreSQL).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AnchorRequestRecord } from '../src/anchor-request-repository.ts';
import { createDatabase } from '../src/create-database.ts';
import type { Database } from '../src/create-database.ts';
import { DbError } from '@anchorpost/db-port';
import { EMBEDDED_POOL_SIZE, startEmbeddedPostgres } from '../src/embedded-postgres.ts';
import type { EmbeddedPostgres } from '../src/embedded-postgres.ts';
import { migrate } from '../src/migrations/migrate.ts';
import { fixtureCid } from '../src/testing/fixtures.ts';

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

describe('AnchorRequestRepository (embedded PGlite)', () => {
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
    assert.deepEqual(await repo.listOpen('evm:3', { afterSequence: 1, limit: 10 }), [pending('evm:3', 4)]);
  });

  it('refuses times the column could not hold exactly', async () => {
    await assert.rejects(
      database.anchorRequests.create({ ...pending('evm:5', 0), createdAt: '2026-11-22T06:00:00Z' }),
      (error: unknown) => error instanceof DbError && error.code === 'INVALID_ARGUMENT',
    );
    assert.equal(await database.anchorRequests.get('evm:5', 0), null);
  });
});
