/**
 * What every group of the database contract shares: the backend factory it runs on, DbError
 * checks, raw SQL for what the repositories do not expose, and `databaseFixture`, which gives each
 * test an empty, migrated database of its own.
 */
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { after } from 'node:test';
import pg from 'pg';
import { DbError } from '@anchorpost/db-port';
import { createDatabase } from '../../create-database.ts';
import type { Database } from '../../create-database.ts';
import { migrate } from '../../migrations/migrate.ts';

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

export async function expectDbError(
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

export async function query<T extends pg.QueryResultRow>(
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

export async function closedPort(): Promise<number> {
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

export async function migrationNames(dir: string): Promise<string[]> {
  return (await readdir(dir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** An empty, migrated database of the backend under test, open. */
export interface DatabaseOpen {
  readonly target: DatabaseUnderTest;
  db: Database;
}

/**
 * Call inside a group's describe: returns `fresh()`, which gives a test a database of its own, so
 * that no test depends on the rows another left behind. The previous test's database is closed
 * and destroyed first, the last one after the group.
 */
export function databaseFixture(factory: DatabaseFactory): () => Promise<DatabaseOpen> {
  let current: DatabaseOpen | undefined;
  const close = async (): Promise<void> => {
    const open = current;
    current = undefined;
    if (open === undefined) return;
    await open.db.close();
    await open.target.destroy();
  };
  after(close);
  return async () => {
    await close();
    const target = await factory.create();
    await migrate(target.databaseUrl);
    current = { target, db: createDatabase({ databaseUrl: target.databaseUrl, poolSize: target.poolSize }) };
    return current;
  };
}
