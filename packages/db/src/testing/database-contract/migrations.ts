/**
 * Database contract, group "migrations": Prisma-compatible records, idempotence, concurrent
 * runners, the advisory lock, and a failing migration. Each test on a database of its own.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import pg from 'pg';
import { migrate } from '../../migrations/migrate.ts';
import { DEFAULT_MIGRATIONS_DIR } from '../../migrations/migration-list.ts';
import { expectDbError, migrationNames, query } from './fixture.ts';
import type { DatabaseFactory } from './fixture.ts';

export function migrationsGroup(factory: DatabaseFactory): void {
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
        }>(target.databaseUrl, 'SELECT * FROM "_prisma_migrations" ORDER BY "started_at", "migration_name"');
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
            'batch_tree_node',
            'chain_cursor',
            'peer',
            'peer_batch',
            'peer_cursor',
            'peer_delivery_cursor',
            'relay_receipt',
            'sponsor_account_transaction',
            'sponsor_audit_cursor',
            'sponsor_ledger_record',
            'sponsor_transaction',
            'sponsorship',
            'tenant',
            'tenant_client_key',
            'tenant_day_bytes',
            'tenant_rate_bucket',
            'tenant_recipient',
            'tenant_stream_lease',
            'tenant_usage_day',
            'treasury_refill',
            'tx_file',
            'tx_file_sender',
            'updater_cursor',
            'updater_deploy_log',
            'updater_deploy_log_tx_file',
            'updater_proposal',
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
}
