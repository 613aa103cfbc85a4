/**
 * Applies the pending migrations of a Prisma migrations folder — what `prisma migrate deploy`
 * does, with the same engine code (schema-engine-wasm) and therefore the same bookkeeping in
 * `_prisma_migrations` (id, sha256 checksum of migration.sql, started_at/finished_at,
 * applied_steps_count, logs), so the Prisma CLI and this runner can take turns on one database.
 *
 * - Idempotent: applied migrations are skipped (an edited one is reported by Prisma, not re-run).
 * - Serialized: the engine takes PostgreSQL's session advisory lock 72707369 (Prisma's) on the
 *   runner's only connection and holds it until that connection closes; runners in the same
 *   process are queued as well, since an embedded database has a single session where advisory
 *   locks do not exclude anyone.
 * - A failing migration is recorded (finished_at stays NULL; `logs` holds the database's error)
 *   and stops the run; later runs refuse with MIGRATION_FAILED until an operator resolves it
 *   (`prisma migrate resolve`), exactly like Prisma.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { DbError } from '@anchorpost/db-port';
import { toDbError } from '../to-db-error.ts';
import { DEFAULT_MIGRATIONS_DIR, readMigrationList } from './migration-list.ts';
import { NO_FILTER, openSchemaEngine } from './schema-engine.ts';
import type { OpenedSchemaEngine } from './schema-engine.ts';

export interface MigrateOptions {
  /** Defaults to this package's `prisma/migrations`. */
  migrationsDir?: string;
  /** Receives the engine's log lines (JSON), e.g. "Applying `2026…_init`". */
  log?: (line: string) => void;
}

export interface MigrateResult {
  /** Migrations applied by this call, in order; empty when the database was up to date. */
  applied: string[];
}

const queues = new Map<string, Promise<unknown>>();

export async function migrate(databaseUrl: string, options: MigrateOptions = {}): Promise<MigrateResult> {
  const previous = queues.get(databaseUrl) ?? Promise.resolve();
  const current = previous.catch(() => undefined).then(() => applyPending(databaseUrl, options));
  queues.set(databaseUrl, current);
  try {
    return await current;
  } finally {
    if (queues.get(databaseUrl) === current) queues.delete(databaseUrl);
  }
}

async function applyPending(databaseUrl: string, options: MigrateOptions): Promise<MigrateResult> {
  const migrationsList = await readMigrationList(options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  // One connection that never idles out: the advisory lock lives exactly as long as it does.
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: 1,
    idleTimeoutMillis: 0,
    connectionTimeoutMillis: 10_000,
  });
  pool.on('error', () => {
    // An idle connection that breaks is reported to the next query; nothing to do here.
  });
  let opened: OpenedSchemaEngine | undefined;
  try {
    opened = await openSchemaEngine(new PrismaPg(pool), options.log);
    const output = await opened.engine.applyMigrations({ migrationsList, filters: NO_FILTER });
    return { applied: output.appliedMigrationNames };
  } catch (error) {
    throw await explain(error, opened, pool);
  } finally {
    opened?.engine.free();
    await pool.end();
  }
}

/** The engine's message without the span trace it appends ("   0: schema_commands::… at …"). */
function withoutSpanTrace(message: string): string {
  const trace = /^\s*(\d+: |at |with )/;
  return message
    .split('\n')
    .filter((line) => line.trim() !== '' && !trace.test(line))
    .map((line) => line.trim())
    .join(' ');
}

async function explain(
  error: unknown,
  opened: OpenedSchemaEngine | undefined,
  pool: pg.Pool,
): Promise<DbError> {
  const message = error instanceof Error ? error.message : String(error);
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  const cause = opened?.causeOf(error);
  const failed = /migration_name="([^"]+)"/.exec(message)?.[1];
  if (failed !== undefined) {
    const reason = cause instanceof Error ? cause.message : withoutSpanTrace(message);
    // The engine leaves `logs` empty when the failure came through a driver adapter; the
    // native engine writes the database's error there, and so do we, for `migrate status`.
    await pool
      .query(
        `UPDATE "_prisma_migrations" SET "logs" = $1
         WHERE "migration_name" = $2 AND "finished_at" IS NULL AND "rolled_back_at" IS NULL AND "logs" IS NULL`,
        [reason, failed],
      )
      .catch(() => undefined);
    // Not retryable even if the connection dropped: the migration is now recorded as failed.
    return new DbError('MIGRATION_FAILED', `migration ${failed} failed: ${reason}`, {
      cause: cause ?? error,
    });
  }
  if (typeof code === 'string' && code.startsWith('P3')) {
    return new DbError('MIGRATION_FAILED', withoutSpanTrace(message), { cause: error });
  }
  return toDbError(cause ?? error, 'migrate');
}
