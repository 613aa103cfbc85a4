/**
 * Writes nothing: computes the next migration — the SQL that takes a database from "every
 * migration in the folder applied" to the Prisma schema — the way `prisma migrate dev
 * --create-only` does. The engine replays the folder on a shadow database; here that is a
 * throw-away in-memory PGlite, so no server and no network are needed.
 */
import { readFile } from 'node:fs/promises';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { ColumnTypeEnum } from '@prisma/driver-adapter-utils';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { startEmbeddedPostgres } from '../embedded-postgres.ts';
import type { EmbeddedPostgres } from '../embedded-postgres.ts';
import { DbError } from '@anchorpost/db-port';
import {
  DEFAULT_MIGRATIONS_DIR,
  DEFAULT_SCHEMA_PATH,
  LOCKFILE_CONTENT,
  readMigrationList,
} from './migration-list.ts';
import { NO_FILTER, openSchemaEngine } from './schema-engine.ts';

export interface PlanMigrationOptions {
  /** Defaults to this package's `prisma/schema.prisma`. */
  schemaPath?: string;
  /** Defaults to this package's `prisma/migrations`. */
  migrationsDir?: string;
  /** Timestamp for the folder name; defaults to now. */
  now?: Date;
}

export interface PlannedMigration {
  /** `<UTC yyyyMMddHHmmss>_<name>`: the folder to create under the migrations folder. */
  directoryName: string;
  /** The content of its migration.sql. */
  script: string;
}

/**
 * The engine reads the catalog (pg_constraint.contype, pg_class.relkind …) and expects those
 * columns of PostgreSQL's one-byte type "char" (OID 18) as the driver-adapter type Character;
 * `@prisma/adapter-pg` 7 has no mapping for OID 18 and rejects them. So the pg client reports
 * them as text (their wire form is a one-character string) and remembers where they were, and
 * the adapter's result is relabelled Character. Only the planner needs this: it describes
 * schemas, applying migrations does not.
 */
const PG_CHAR = 18;
const PG_TEXT = 25;

class CatalogClient extends pg.Client {
  /** Positions of "char" columns in the latest result (queries on one connection are sequential). */
  charColumns: number[] = [];

  constructor(config?: string | pg.ClientConfig) {
    super(config);
    const query = this.query.bind(this) as (...args: unknown[]) => unknown;
    const retype = <T>(result: T): T => {
      const fields = (result as { fields?: { dataTypeID: number }[] } | undefined)?.fields ?? [];
      this.charColumns = [];
      fields.forEach((field, index) => {
        if (field.dataTypeID !== PG_CHAR) return;
        field.dataTypeID = PG_TEXT;
        this.charColumns.push(index);
      });
      return result;
    };
    const patched = (...args: unknown[]): unknown => {
      const callback = args.at(-1);
      if (typeof callback === 'function') {
        args[args.length - 1] = (error: unknown, result: unknown) => {
          (callback as (error: unknown, result: unknown) => void)(error, error ? result : retype(result));
        };
        return query(...args);
      }
      const out = query(...args);
      return out instanceof Promise ? out.then(retype) : out;
    };
    this.query = patched as pg.Client['query'];
  }
}

async function connectCatalogAware(databaseUrl: string): Promise<SqlDriverAdapter> {
  let client: CatalogClient | undefined;
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1, Client: CatalogClient });
  pool.on('connect', (connected) => {
    client = connected as unknown as CatalogClient;
  });
  const adapter = await new PrismaPg(pool, { disposeExternalPool: true }).connect();
  const queryRaw = adapter.queryRaw.bind(adapter);
  adapter.queryRaw = async (query) => {
    const result = await queryRaw(query);
    for (const index of client?.charColumns ?? []) result.columnTypes[index] = ColumnTypeEnum.Character;
    return result;
  };
  return adapter;
}

/** Connects each adapter to a fresh in-memory PGlite; `stopAll` ends them all. */
function embeddedFactory(): SqlMigrationAwareDriverAdapterFactory & { stopAll(): Promise<void> } {
  const servers: EmbeddedPostgres[] = [];
  const connect = async (): Promise<SqlDriverAdapter> => {
    const server = await startEmbeddedPostgres();
    servers.push(server);
    const adapter = await connectCatalogAware(server.databaseUrl);
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      try {
        await dispose();
      } finally {
        await server.stop();
      }
    };
    return adapter;
  };
  return {
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    connect,
    connectToShadowDb: connect,
    // The engine does not dispose its main connection when freed.
    async stopAll() {
      await Promise.all(servers.map((server) => server.stop()));
    },
  };
}

/** Prisma's folder timestamp: UTC, yyyyMMddHHmmss. */
function timestamp(now: Date): string {
  return now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** The next migration, or null when the folder already matches the schema. */
export async function planMigration(
  name: string,
  options: PlanMigrationOptions = {},
): Promise<PlannedMigration | null> {
  if (!/^[a-z0-9_]{1,100}$/.test(name)) {
    throw new DbError('INVALID_ARGUMENT', `migration name must be lower-case letters, digits and _: ${name}`);
  }
  const schemaPath = options.schemaPath ?? DEFAULT_SCHEMA_PATH;
  const schema = { files: [{ path: schemaPath, content: await readFile(schemaPath, 'utf8') }] };
  const migrationsList = await readMigrationList(options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  // A first migration has no lockfile yet; the caller writes it next to the migration.
  migrationsList.lockfile.content ??= LOCKFILE_CONTENT;
  const factory = embeddedFactory();
  const opened = await openSchemaEngine(factory).catch(async (error: unknown) => {
    await factory.stopAll();
    throw error;
  });
  try {
    // `diff --from-migrations --to-schema --script` (createMigration would want the CLI's
    // shadow-database plumbing; diff takes the adapter's connectToShadowDb).
    const output = await opened.engine.diff({
      from: { tag: 'migrations', ...migrationsList },
      to: { tag: 'schemaDatamodel', ...schema },
      script: true,
      exitCode: true,
      filters: NO_FILTER,
    });
    if (output.exitCode === 0) return null;
    return { directoryName: `${timestamp(options.now ?? new Date())}_${name}`, script: output.stdout ?? '' };
  } catch (error) {
    const cause = opened.causeOf(error);
    const detail =
      cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error);
    throw new DbError('MIGRATION_FAILED', `planning migration ${name}: ${detail}`, { cause: cause ?? error });
  } finally {
    opened.engine.free();
    await factory.stopAll();
  }
}
