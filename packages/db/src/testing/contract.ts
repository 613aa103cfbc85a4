/**
 * The database contract: one suite that every backend of this package must pass — the
 * embedded PGlite and a real PostgreSQL. It checks what the services rely on: migrations that
 * Prisma's CLI would accept, atomic bulk writes, the proof and pagination queries, error
 * codes, durability, and that a truncated and re-indexed database is identical.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createDatabase } from '../create-database.ts';
import type { Database } from '../create-database.ts';
import { DbError } from '@anchorpost/db-port';
import { migrate } from '../migrations/migrate.ts';
import { DEFAULT_MIGRATIONS_DIR } from '../migrations/migration-list.ts';
import type { TxFileRecord } from '@anchorpost/db-port';
import {
  fixtureAnchor,
  fixtureBatch,
  fixtureCid,
  fixtureEntries,
  fixtureHash,
  fixtureTxFile,
} from './fixtures.ts';

/** One empty database of the backend under test. */
export interface DatabaseUnderTest {
  /** Current URL (it may change across restart()). */
  readonly databaseUrl: string;
  /** Pool size to open it with. */
  readonly poolSize: number;
  /** Stops the server (or, where the suite cannot, drops every connection) and starts it again on the same data. */
  restart(): Promise<void>;
  /** Stops it and deletes its data. */
  destroy(): Promise<void>;
}

export interface DatabaseFactory {
  /** A new, empty database (no tables). */
  create(): Promise<DatabaseUnderTest>;
  /**
   * Whether connections are separate sessions, so that one connection's advisory lock makes
   * another wait (true for PostgreSQL; PGlite has a single session).
   */
  readonly separateSessions: boolean;
}

export const BULK_ENTRIES = 20_000;

async function expectDbError(
  promise: Promise<unknown>,
  code: DbError['code'],
  retryable = false,
): Promise<DbError> {
  const error = await promise.then(
    () => assert.fail(`expected DbError ${code}, got success`),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof DbError, `expected DbError ${code}, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  assert.equal(error.retryable, retryable, `retryable of ${code}`);
  return error;
}

async function query<T extends pg.QueryResultRow>(
  databaseUrl: string,
  text: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  assert.ok(address !== null && typeof address === 'object');
  return address.port;
}

async function migrationNames(dir: string): Promise<string[]> {
  return (await readdir(dir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** Registers the contract suite for one backend. */
export function databaseContract(name: string, factory: DatabaseFactory): void {
  describe(`database contract: ${name}`, () => {
    describe('migrations', () => {
      it('apply from empty, are idempotent, and are recorded in _prisma_migrations as Prisma records them', async () => {
        const target = await factory.create();
        try {
          const expected = await migrationNames(DEFAULT_MIGRATIONS_DIR);
          assert.ok(expected.length >= 1);
          assert.deepEqual((await migrate(target.databaseUrl)).applied, expected);
          assert.deepEqual((await migrate(target.databaseUrl)).applied, []);

          const rows = await query<{
            id: string;
            checksum: string;
            finished_at: Date | null;
            migration_name: string;
            logs: string | null;
            rolled_back_at: Date | null;
            started_at: Date;
            applied_steps_count: number;
          }>(
            target.databaseUrl,
            'SELECT * FROM "_prisma_migrations" ORDER BY "started_at", "migration_name"',
          );
          assert.deepEqual(
            rows.map((row) => row.migration_name),
            expected,
          );
          for (const row of rows) {
            const sql = await readFile(join(DEFAULT_MIGRATIONS_DIR, row.migration_name, 'migration.sql'));
            assert.equal(row.checksum, createHash('sha256').update(sql).digest('hex'));
            assert.match(row.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
            assert.ok(row.finished_at !== null && row.finished_at >= row.started_at);
            assert.equal(row.logs, null);
            assert.equal(row.rolled_back_at, null);
            assert.equal(row.applied_steps_count, 1);
          }
          // The table's shape is Prisma's, so `prisma migrate deploy/status` read it as their own.
          const columns = await query<{
            column_name: string;
            data_type: string;
            len: number | null;
            is_nullable: string;
          }>(
            target.databaseUrl,
            `SELECT column_name, data_type, character_maximum_length AS len, is_nullable
             FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
          );
          assert.deepEqual(
            columns.map((column) => [column.column_name, column.data_type, column.len, column.is_nullable]),
            [
              ['id', 'character varying', 36, 'NO'],
              ['checksum', 'character varying', 64, 'NO'],
              ['finished_at', 'timestamp with time zone', null, 'YES'],
              ['migration_name', 'character varying', 255, 'NO'],
              ['logs', 'text', null, 'YES'],
              ['rolled_back_at', 'timestamp with time zone', null, 'YES'],
              ['started_at', 'timestamp with time zone', null, 'NO'],
              ['applied_steps_count', 'integer', null, 'NO'],
            ],
          );
          const tables = await query<{ table_name: string }>(
            target.databaseUrl,
            `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
          );
          assert.deepEqual(
            tables.map((table) => table.table_name),
            [
              '_prisma_migrations',
              'anchor',
              'anchor_request',
              'api_key',
              'batch',
              'batch_entry',
              'chain_cursor',
              'relay_receipt',
              'sponsor_transaction',
              'sponsorship',
              'tenant',
              'tenant_client_key',
              'treasury_refill',
              'tx_file',
              'tx_file_sender',
            ],
          );
        } finally {
          await target.destroy();
        }
      });

      it('runners started together apply each migration once', async () => {
        const target = await factory.create();
        try {
          const results = await Promise.all([migrate(target.databaseUrl), migrate(target.databaseUrl)]);
          const expected = await migrationNames(DEFAULT_MIGRATIONS_DIR);
          assert.deepEqual(results.map((result) => result.applied).flat(), expected);
          const rows = await query<{ n: number }>(
            target.databaseUrl,
            'SELECT count(*)::int AS n FROM "_prisma_migrations"',
          );
          assert.equal(rows[0]!.n, expected.length);
        } finally {
          await target.destroy();
        }
      });

      it(
        "a runner waits while another session holds Prisma's migration advisory lock",
        { skip: factory.separateSessions ? false : 'one shared session: advisory locks exclude no one' },
        async () => {
          const target = await factory.create();
          const holder = new pg.Client({ connectionString: target.databaseUrl });
          await holder.connect();
          try {
            await holder.query('SELECT pg_advisory_lock(72707369)');
            let finished = false;
            const running = migrate(target.databaseUrl).finally(() => {
              finished = true;
            });
            await new Promise((resolve) => setTimeout(resolve, 500));
            assert.equal(finished, false, 'migrate ran while the lock was held');
            await holder.query('SELECT pg_advisory_unlock(72707369)');
            assert.ok((await running).applied.length >= 1);
          } finally {
            await holder.end();
            await target.destroy();
          }
        },
      );

      it('a failing migration is recorded with its error and stops this and later runs', async () => {
        const target = await factory.create();
        const dir = await mkdtemp(join(tmpdir(), 'anchorpost-migrations-'));
        try {
          await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
          await mkdir(join(dir, '29991231000000_broken'));
          await writeFile(
            join(dir, '29991231000000_broken', 'migration.sql'),
            'CREATE TABLE "broken_probe" ("id" INTEGER);\nSELECT 1 / 0;\n',
          );
          await mkdir(join(dir, '29991231000001_after'));
          await writeFile(
            join(dir, '29991231000001_after', 'migration.sql'),
            'CREATE TABLE "after_probe" ("id" INTEGER);\n',
          );

          const first = await expectDbError(
            migrate(target.databaseUrl, { migrationsDir: dir }),
            'MIGRATION_FAILED',
          );
          assert.match(first.message, /29991231000000_broken/);
          assert.match(first.message, /division by zero/);
          const rows = await query<{ migration_name: string; finished_at: Date | null; logs: string | null }>(
            target.databaseUrl,
            `SELECT migration_name, finished_at, logs FROM "_prisma_migrations" WHERE migration_name LIKE '2999%'`,
          );
          assert.equal(rows.length, 1);
          assert.equal(rows[0]!.migration_name, '29991231000000_broken');
          assert.equal(rows[0]!.finished_at, null);
          assert.match(rows[0]!.logs ?? '', /division by zero/);

          await expectDbError(migrate(target.databaseUrl, { migrationsDir: dir }), 'MIGRATION_FAILED');
          const after = await query(
            target.databaseUrl,
            `SELECT 1 FROM information_schema.tables WHERE table_name = 'after_probe'`,
          );
          assert.equal(after.length, 0, 'a migration after the failed one was applied');
        } finally {
          await rm(dir, { recursive: true, force: true });
          await target.destroy();
        }
      });
    });

    describe('index', () => {
      let target: DatabaseUnderTest;
      let db: Database;
      const platform = 'contract';

      before(async () => {
        target = await factory.create();
        await migrate(target.databaseUrl);
        db = createDatabase({ databaseUrl: target.databaseUrl, poolSize: target.poolSize });
      });

      after(async () => {
        await db.close();
        await target.destroy();
      });

      it(`records a batch with ${BULK_ENTRIES.toLocaleString('en')} entries in one transaction`, async (t) => {
        const batch = fixtureBatch(platform, 0, BULK_ENTRIES);
        const entries = fixtureEntries('bulk', BULK_ENTRIES);
        const started = performance.now();
        await db.index.recordBatch(batch, entries);
        const seconds = (performance.now() - started) / 1000;
        t.diagnostic(
          `recordBatch: ${Math.round(BULK_ENTRIES / seconds)} entries/s (${seconds.toFixed(2)} s)`,
        );

        assert.deepEqual(await db.index.getBatch(batch.cid), batch);
        assert.deepEqual(await db.index.getBatchBySequence(platform, 0), batch);
        for (const index of [0, 1, 12_345, BULK_ENTRIES - 1]) {
          const proof = await db.index.getProof(entries[index]!);
          assert.ok(proof !== null);
          assert.equal(proof.index, index);
          assert.deepEqual(proof.batch, batch);
        }
        let index = 0;
        for await (const cid of db.index.batchEntries(batch.cid, 7_000)) {
          assert.equal(cid, entries[index]);
          index += 1;
        }
        assert.equal(index, BULK_ENTRIES);
      });

      it('leaves nothing behind when the batch fails midway or its count is wrong', async () => {
        const batch = fixtureBatch(platform, 1, BULK_ENTRIES);
        const entries = fixtureEntries('atomic', BULK_ENTRIES);
        entries[15_000] = `${entries[15_000]!}\u0000`; // PostgreSQL refuses NUL in text, after 10,000 rows are in
        await expectDbError(db.index.recordBatch(batch, entries), 'INVALID_VALUE');
        assert.equal(await db.index.getBatch(batch.cid), null);
        assert.equal(await db.prisma.batchEntry.count({ where: { batchCid: batch.cid } }), 0);
        assert.equal(await db.index.getProof(entries[0]!), null);

        const short = fixtureBatch(platform, 1, 3);
        await expectDbError(db.index.recordBatch(short, fixtureEntries('short', 2)), 'INVALID_ARGUMENT');
        assert.equal(await db.index.getBatch(short.cid), null);
        assert.equal(await db.prisma.batchEntry.count({ where: { batchCid: short.cid } }), 0);
      });

      it('maps unique and foreign-key violations to DbError codes', async () => {
        const batch = fixtureBatch(platform, 2, 2);
        await db.index.recordBatch(batch, fixtureEntries('unique', 2));
        await expectDbError(db.index.recordBatch(batch, fixtureEntries('unique', 2)), 'UNIQUE_VIOLATION');
        const sameSequence = { ...batch, cid: fixtureCid('another batch, same sequence') };
        await expectDbError(
          db.index.recordBatch(sameSequence, fixtureEntries('unique', 2)),
          'UNIQUE_VIOLATION',
        );
        assert.equal(await db.index.getBatch(sameSequence.cid), null);
        const orphan = fixtureAnchor(fixtureBatch('nowhere', 0, 1), 'evm', '31337', 1);
        await expectDbError(db.index.recordAnchor(orphan), 'FOREIGN_KEY_VIOLATION');
      });

      it('serves a proof with the anchors of every chain, and replaces an anchor on re-anchoring', async () => {
        const batch = fixtureBatch(platform, 3, 5);
        const entries = fixtureEntries('proof', 5);
        await db.index.recordBatch(batch, entries);
        const ergo = fixtureAnchor(batch, 'ergo', 'mainnet', 1_204_400);
        const evm = fixtureAnchor(batch, 'evm', '31337', 17);
        await db.index.recordAnchor(ergo);
        await db.index.recordAnchor(evm);

        const proof = await db.index.getProof(entries[3]!);
        assert.deepEqual(proof, { txFileCid: entries[3], batch, index: 3, anchors: [evm, ergo] });

        const reanchored = { ...fixtureAnchor(batch, 'evm', '31337', 21), status: 'confirmed' as const };
        await db.index.recordAnchor(reanchored);
        assert.deepEqual((await db.index.getProof(entries[3]!))?.anchors, [reanchored, ergo]);
        assert.equal(await db.index.getProof(fixtureCid('never sealed')), null);
      });

      it('lists messages by recipient with a keyset cursor: each exactly once, in batch order', async () => {
        const recipient = fixtureHash('recipient/paged');
        const other = fixtureHash('recipient/other');
        const rows: TxFileRecord[] = [];
        for (const sequence of [10, 11, 12]) {
          for (let batchIndex = 0; batchIndex < 150; batchIndex += 1) {
            const cid = fixtureCid(`paged/${sequence}/${batchIndex}`);
            rows.push(
              fixtureTxFile(
                cid,
                { batchSequence: sequence, batchIndex },
                batchIndex % 3 === 0 ? other : recipient,
              ),
            );
          }
        }
        // Inserted out of order: the listing's order comes from the index, not from insertion.
        const shuffled = rows.map((row, i) => ({
          row,
          key: createHash('sha256').update(String(i)).digest('hex'),
        }));
        shuffled.sort((a, b) => a.key.localeCompare(b.key));
        assert.equal(await db.index.recordTxFiles(shuffled.map((item) => item.row)), rows.length);
        assert.equal(await db.index.recordTxFiles(rows.slice(0, 10)), 0, 'recording again adds nothing');
        assert.deepEqual(
          await db.index.getTxFile(rows[7]!.cid),
          rows[7],
          'a tx-file reads back by CID, senders in order',
        );
        assert.equal(await db.index.getTxFile(fixtureCid('never indexed')), null);
        // A row without the trustedblock id (as indexed before it was kept) reads back without one.
        const withoutId = fixtureTxFile(
          fixtureCid('paged/without-id'),
          { batchSequence: 9, batchIndex: 0 },
          other,
        );
        delete withoutId.trustedblockId;
        await db.index.recordTxFiles([withoutId]);
        assert.deepEqual(await db.index.getTxFile(withoutId.cid), withoutId);

        const expected = rows.filter((row) => row.recipientHash === recipient);
        const seen: TxFileRecord[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const page = await db.index.messagesByRecipient(recipient, cursor, 7);
          assert.ok(page.items.length <= 7);
          seen.push(...page.items);
          cursor = page.nextCursor;
          pages += 1;
          if (pages === 3) {
            // A message arriving in a later batch mid-listing shows up once, at the end.
            const late = fixtureTxFile(
              fixtureCid('paged/late'),
              { batchSequence: 13, batchIndex: 0 },
              recipient,
            );
            await db.index.recordTxFiles([late]);
            expected.push(late);
          }
        } while (cursor !== null);
        assert.equal(pages, Math.ceil(expected.length / 7));
        assert.deepEqual(seen, expected);
        assert.equal(new Set(seen.map((row) => row.cid)).size, seen.length);

        const last = await db.index.messagesByRecipient(recipient, null, 1_000);
        assert.equal(last.items.length, expected.length);
        assert.equal(last.nextCursor, null);
        assert.deepEqual(await db.index.messagesByRecipient(fixtureHash('nobody'), null, 10), {
          items: [],
          nextCursor: null,
        });
        await expectDbError(db.index.messagesByRecipient(recipient, 'not-a-cursor', 10), 'INVALID_ARGUMENT');
        await expectDbError(db.index.messagesByRecipient(recipient, null, 0), 'INVALID_ARGUMENT');
        await expectDbError(db.index.messagesByRecipient(recipient, null, 1_001), 'INVALID_ARGUMENT');
      });

      it('keeps a chain cursor per chain', async () => {
        assert.equal(await db.index.getChainCursor('ergo', 'mainnet'), null);
        await db.index.saveChainCursor({
          chain: 'ergo',
          chainId: 'mainnet',
          lastBlock: 10,
          lastBlockHash: 'a'.repeat(64),
        });
        await db.index.saveChainCursor({
          chain: 'evm',
          chainId: '31337',
          lastBlock: 5,
          lastBlockHash: 'c'.repeat(64),
        });
        await db.index.saveChainCursor({
          chain: 'ergo',
          chainId: 'mainnet',
          lastBlock: 11,
          lastBlockHash: 'b'.repeat(64),
        });
        assert.deepEqual(await db.index.getChainCursor('ergo', 'mainnet'), {
          chain: 'ergo',
          chainId: 'mainnet',
          lastBlock: 11,
          lastBlockHash: 'b'.repeat(64),
        });
      });

      it('keeps every row across a restart', async () => {
        const before = await db.index.dumpAll();
        assert.ok(before.batchEntries.length > BULK_ENTRIES);
        await db.close();
        await target.restart();
        db = createDatabase({ databaseUrl: target.databaseUrl, poolSize: target.poolSize });
        assert.deepEqual(await db.index.dumpAll(), before);
        assert.deepEqual((await migrate(target.databaseUrl)).applied, []);
      });

      it('rebuilds to an identical index after truncateAll', async () => {
        const original = await db.index.dumpAll();
        await db.index.truncateAll();
        const empty = await db.index.dumpAll();
        assert.deepEqual(empty, {
          batches: [],
          batchEntries: [],
          txFiles: [],
          anchors: [],
          chainCursors: [],
        });

        // Re-index in another order, as a parser replaying chains might.
        for (const batch of [...original.batches].reverse()) {
          const entries = original.batchEntries
            .filter((entry) => entry.batchCid === batch.cid)
            .map((entry) => entry.txFileCid);
          await db.index.recordBatch(batch, entries);
        }
        for (const anchor of [...original.anchors].reverse()) await db.index.recordAnchor(anchor);
        await db.index.recordTxFiles([...original.txFiles].reverse());
        for (const cursor of original.chainCursors) await db.index.saveChainCursor(cursor);
        assert.deepEqual(await db.index.dumpAll(), original);
      });
    });

    describe('availability', () => {
      it('reports a database that cannot be reached as UNAVAILABLE (retryable)', async () => {
        const url = `postgresql://postgres:postgres@127.0.0.1:${await closedPort()}/postgres`;
        const db = createDatabase({ databaseUrl: url, poolSize: 1, connectTimeoutMs: 2_000 });
        try {
          await expectDbError(db.index.getBatch(fixtureCid('x')), 'UNAVAILABLE', true);
          await expectDbError(db.ping(), 'UNAVAILABLE', true);
        } finally {
          await db.close();
        }
        await expectDbError(migrate(url), 'UNAVAILABLE', true);
      });

      it('reports a stopped database as UNAVAILABLE and works again once it is back', async () => {
        const target = await factory.create();
        const db = createDatabase({
          databaseUrl: target.databaseUrl,
          poolSize: target.poolSize,
          connectTimeoutMs: 2_000,
        });
        try {
          await db.ping();
          await target.restart();
          // The pooled connection died with the server; the next call says so, the one after reconnects.
          const outcome = await db.ping().then(
            () => 'ok',
            (error: unknown) => error,
          );
          if (outcome !== 'ok') {
            assert.ok(outcome instanceof DbError);
            assert.equal(outcome.code, 'UNAVAILABLE', outcome.message);
            assert.equal(outcome.retryable, true);
          }
          await db.ping();
        } finally {
          await db.close();
          await target.destroy();
        }
      });
    });
  });
}
