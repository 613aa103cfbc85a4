// The relay's receipt repository against the embedded PGlite (the same SQL runs on PostgreSQL).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createDatabase } from '../src/create-database.ts';
import type { Database } from '../src/create-database.ts';
import { DbError } from '@anchorpost/db-port';
import type { NewRelayReceipt } from '@anchorpost/db-port';
import { EMBEDDED_POOL_SIZE, startEmbeddedPostgres } from '../src/embedded-postgres.ts';
import type { EmbeddedPostgres } from '../src/embedded-postgres.ts';
import { migrate } from '../src/migrations/migrate.ts';
import { fixtureCid, fixtureHash } from '../src/testing/fixtures.ts';

function receipt(label: string, sequence: number): NewRelayReceipt {
  return {
    cid: fixtureCid(label),
    sequence,
    recipientHash: fixtureHash(`${label}/recipient`),
    acceptedAt: '2026-11-22T04:40:00.123Z',
    relayKeyId: 'ab'.repeat(32),
    signature: `sig-${label}`,
  };
}

describe('ReceiptRepository (embedded PGlite)', () => {
  let dataDir: string;
  let server: EmbeddedPostgres | undefined;
  let database: Database;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'anchorpost-receipts-'));
    server = await startEmbeddedPostgres({ dataDir });
    await migrate(server.databaseUrl);
    database = createDatabase({ databaseUrl: server.databaseUrl, poolSize: EMBEDDED_POOL_SIZE });
  });

  after(async () => {
    await (database as Database | undefined)?.close();
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('hands out increasing sequence numbers', async () => {
    const first = await database.receipts.nextSequence();
    const second = await database.receipts.nextSequence();
    assert.ok(first >= 1);
    assert.ok(second > first);
  });

  it('stores a receipt as signed, then published with its bus position', async () => {
    const sequence = await database.receipts.nextSequence();
    const stored = await database.receipts.insertReceipt(receipt('a', sequence));
    assert.equal(stored.inserted, true);
    assert.deepEqual(stored.record, {
      ...receipt('a', sequence),
      state: 'signed',
      busPartition: null,
      busOffset: null,
      busEndPartition: null,
      busEndOffset: null,
      clientId: null,
      stateBefore: null,
      tenantId: null,
    });
    await database.receipts.markPublished(fixtureCid('a'), { partition: 2, offset: 7 });
    await database.receipts.markPublished(fixtureCid('a'), { partition: 3, offset: 9 });
    const read = await database.receipts.getReceipt(fixtureCid('a'));
    assert.ok(read);
    assert.equal(read.state, 'published');
    assert.equal(read.busPartition, 2, 'a second markPublished keeps the first position');
    assert.equal(read.busOffset, 7);
  });

  it('keeps the bus end read before signing, through publishing', async () => {
    const sequence = await database.receipts.nextSequence();
    // Beyond 2^31: the offset is a BIGINT.
    const busEnd = { busEndPartition: 3, busEndOffset: 5_000_000_123 };
    const stored = await database.receipts.insertReceipt({ ...receipt('g', sequence), ...busEnd });
    assert.deepEqual(stored.record, {
      ...receipt('g', sequence),
      ...busEnd,
      state: 'signed',
      busPartition: null,
      busOffset: null,
      clientId: null,
      stateBefore: null,
      tenantId: null,
    });
    assert.deepEqual(await database.receipts.getReceipt(fixtureCid('g')), stored.record);
    await database.receipts.markPublished(fixtureCid('g'), { partition: 3, offset: 5_000_000_130 });
    const read = await database.receipts.getReceipt(fixtureCid('g'));
    assert.deepEqual(read, {
      ...stored.record,
      state: 'published',
      busPartition: 3,
      busOffset: 5_000_000_130,
    });
    const again = await database.receipts.insertReceipt({
      ...receipt('g', await database.receipts.nextSequence()),
      busEndPartition: 0,
      busEndOffset: 1,
    });
    assert.equal(again.inserted, false);
    assert.deepEqual(again.record, read, 'the first receipt keeps its bus end');
    for (const bad of [
      { busEndPartition: 1 },
      { busEndOffset: 1 },
      { busEndPartition: -1, busEndOffset: 0 },
      { busEndPartition: 0, busEndOffset: 1.5 },
    ]) {
      await assert.rejects(
        database.receipts.insertReceipt({ ...receipt('h', sequence + 1_000), ...bad }),
        (error: unknown) => error instanceof DbError && error.code === 'INVALID_ARGUMENT',
        JSON.stringify(bad),
      );
    }
    assert.equal(await database.receipts.getReceipt(fixtureCid('h')), null);
  });

  it('keeps the first receipt of a CID', async () => {
    const first = await database.receipts.insertReceipt(receipt('b', await database.receipts.nextSequence()));
    const again = await database.receipts.insertReceipt({
      ...receipt('b', await database.receipts.nextSequence()),
      signature: 'other',
    });
    assert.equal(again.inserted, false);
    assert.deepEqual(again.record, first.record);
  });

  it('keeps one receipt per chain position: another CID there gets the holder back, a retry its own', async () => {
    const at = (label: string) => ({
      clientId: 'c1'.repeat(32),
      stateBefore: fixtureHash(`${label}/before`),
    });
    const first = await database.receipts.insertReceipt({
      ...receipt('p', await database.receipts.nextSequence()),
      ...at('p'),
    });
    assert.equal(first.inserted, true);
    assert.deepEqual(
      { clientId: first.record.clientId, stateBefore: first.record.stateBefore },
      at('p'),
      'round-trips',
    );
    const position = { recipientHash: first.record.recipientHash, ...at('p') };
    assert.deepEqual(await database.receipts.getReceiptAt(position), first.record);

    // Another tx-file at the same place of the same client's chain in the same group: a fork.
    const fork = await database.receipts.insertReceipt({
      ...receipt('q', await database.receipts.nextSequence()),
      recipientHash: first.record.recipientHash,
      ...at('p'),
    });
    assert.equal(fork.inserted, false);
    assert.deepEqual(fork.record, first.record, "the holder's receipt");
    assert.equal(await database.receipts.getReceipt(fixtureCid('q')), null, 'nothing stored for the fork');
    // The same CID again stays a plain duplicate.
    const again = await database.receipts.insertReceipt({
      ...receipt('p', await database.receipts.nextSequence()),
      ...at('p'),
    });
    assert.deepEqual(again, { record: first.record, inserted: false });

    // Another group, another client, another state.before, or no position: all free.
    for (const [label, change] of [
      ['r', {}],
      [
        's',
        {
          recipientHash: first.record.recipientHash,
          clientId: 'c2'.repeat(32),
          stateBefore: at('p').stateBefore,
        },
      ],
      ['t', { recipientHash: first.record.recipientHash, ...at('t') }],
      ['u', { recipientHash: first.record.recipientHash }],
    ] as const) {
      const other = await database.receipts.insertReceipt({
        ...receipt(label, await database.receipts.nextSequence()),
        ...(label === 'r' ? at('p') : {}),
        ...change,
      });
      assert.equal(other.inserted, true, label);
    }
    assert.equal(
      await database.receipts.getReceiptAt({ ...position, stateBefore: fixtureHash('nothing') }),
      null,
    );
    for (const bad of [
      { clientId: 'c1'.repeat(32) },
      { stateBefore: fixtureHash('x') },
      { clientId: '', stateBefore: '' },
    ]) {
      await assert.rejects(
        database.receipts.insertReceipt({ ...receipt('v', await database.receipts.nextSequence()), ...bad }),
        (error: unknown) => error instanceof DbError && error.code === 'INVALID_ARGUMENT',
        JSON.stringify(bad),
      );
    }
  });

  it('refuses a reused sequence, a bad time and an unknown CID', async () => {
    const sequence = await database.receipts.nextSequence();
    await database.receipts.insertReceipt(receipt('c', sequence));
    await assert.rejects(database.receipts.insertReceipt(receipt('d', sequence)), (error: unknown) => {
      return error instanceof DbError && error.code === 'UNIQUE_VIOLATION';
    });
    await assert.rejects(
      database.receipts.insertReceipt({ ...receipt('e', sequence + 100), acceptedAt: 'yesterday' }),
      (error: unknown) => error instanceof DbError && error.code === 'INVALID_ARGUMENT',
    );
    await assert.rejects(
      database.receipts.markPublished(fixtureCid('missing'), { partition: 0, offset: 0 }),
      (error: unknown) => error instanceof DbError && error.code === 'NOT_FOUND',
    );
    assert.equal(await database.receipts.getReceipt(fixtureCid('missing')), null);
  });

  it('refuses a group with a bad receipt, two receipts of one CID or a bad position, storing none', async () => {
    const [s1, s2] = await database.receipts.nextSequences(2);
    const good = receipt('group good', s1!);
    const invalid = async (receipts: NewRelayReceipt[]) =>
      assert.rejects(
        database.receipts.insertReceipts(receipts),
        (error: unknown) => error instanceof DbError && error.code === 'INVALID_ARGUMENT',
      );
    await invalid([good, { ...receipt('group bad time', s2!), acceptedAt: 'yesterday' }]);
    await invalid([good, { ...good, sequence: s2! }]);
    assert.equal(await database.receipts.getReceipt(good.cid), null);
    assert.deepEqual(await database.receipts.insertReceipts([]), []);
    await assert.rejects(
      database.receipts.markPublishedMany([{ cid: good.cid, partition: -1, offset: 0 }]),
      (error: unknown) => error instanceof DbError && error.code === 'INVALID_ARGUMENT',
    );
    await assert.rejects(
      database.receipts.nextSequences(0),
      (error: unknown) => error instanceof DbError && error.code === 'INVALID_ARGUMENT',
    );
  });
});
