// The migrations folder against prisma/schema.prisma, and the offline migration planner
// (`npm run migration:make`) end to end: plan a change, write it, apply it.
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/embedded-postgres.ts';
import {
  migrate,
  planMigration,
  DEFAULT_MIGRATIONS_DIR,
  DEFAULT_SCHEMA_PATH,
} from '../src/migrations/index.ts';

describe('migrations folder', () => {
  it('matches prisma/schema.prisma (every schema change has its migration)', async () => {
    const planned = await planMigration('drift');
    assert.equal(planned, null, `schema changes without a migration:\n${planned?.script ?? ''}`);
  });

  describe('planMigration', () => {
    let work: string;
    before(async () => {
      work = await mkdtemp(join(tmpdir(), 'anchorpost-plan-'));
    });
    after(async () => {
      await rm(work, { recursive: true, force: true });
    });

    it('plans the SQL for a schema change, which migrate() then applies on top of the existing ones', async () => {
      const schemaPath = join(work, 'schema.prisma');
      const migrationsDir = join(work, 'migrations');
      await cp(DEFAULT_MIGRATIONS_DIR, migrationsDir, { recursive: true });
      const schema = await readFile(DEFAULT_SCHEMA_PATH, 'utf8');
      const changed = schema.replace(/(\n {2}count +Int\n)/, '$1  note String?\n');
      assert.notEqual(changed, schema);
      await writeFile(schemaPath, changed);

      const planned = await planMigration('add_batch_note', {
        schemaPath,
        migrationsDir,
        now: new Date('2999-01-02T03:04:05Z'),
      });
      assert.ok(planned !== null);
      assert.equal(planned.directoryName, '29990102030405_add_batch_note');
      assert.match(planned.script, /ALTER TABLE "batch" ADD COLUMN\s+"note" TEXT;/);

      await mkdir(join(migrationsDir, planned.directoryName));
      await writeFile(join(migrationsDir, planned.directoryName, 'migration.sql'), planned.script);
      assert.equal(await planMigration('again', { schemaPath, migrationsDir }), null);

      const server = await startEmbeddedPostgres();
      try {
        await migrate(server.databaseUrl);
        assert.deepEqual((await migrate(server.databaseUrl, { migrationsDir })).applied, [
          planned.directoryName,
        ]);
        const client = new pg.Client(server.databaseUrl);
        await client.connect();
        const columns = await client.query(
          `SELECT 1 FROM information_schema.columns WHERE table_name = 'batch' AND column_name = 'note'`,
        );
        await client.end();
        assert.equal(columns.rowCount, 1);
      } finally {
        await server.stop();
      }
    });

    it('refuses a name that is not a folder-safe identifier', async () => {
      await assert.rejects(planMigration('Add Note'), { name: 'DbError', code: 'INVALID_ARGUMENT' });
    });
  });
});
