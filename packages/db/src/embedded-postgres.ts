/**
 * The embedded adapter: PGlite (PostgreSQL compiled to Wasm, data in a folder) served over the
 * PostgreSQL wire protocol on 127.0.0.1, so Prisma talks to it through `@prisma/adapter-pg`
 * exactly as it talks to a real server — one data path for both.
 *
 * PGlite is a single PostgreSQL backend: one session, one query at a time. The socket server
 * multiplexes client connections onto it at the protocol-message level, and while one
 * connection is inside a transaction the others wait. So more connections buy no throughput,
 * and they share one session: advisory locks, SET and temp tables do not isolate them. Hence
 * the pool size of 1 (`EMBEDDED_POOL_SIZE`) for Prisma; the server accepts a few connections
 * more (`maxConnections`, default 4) so that the migration runner, a psql session or a client
 * reconnecting before the server has noticed its old socket close is not turned away.
 */
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** The pg pool size to use against an embedded database (see above). */
export const EMBEDDED_POOL_SIZE = 1;

/**
 * PGlite's buffer cache, in its WebAssembly memory. PostgreSQL's default of 128 MB is resident once
 * touched and never handed back (WebAssembly memory does not shrink): about 115 MiB of `npm
 * start`'s RSS at rest. Its data files are in the operating system's page cache anyway, and an
 * embedded database is the small, one-process deployment, so a small cache costs reads little.
 */
export const EMBEDDED_SHARED_BUFFERS = '16MB';

export interface EmbeddedPostgresOptions {
  /** Folder holding the database; created if missing. Omit for a throw-away in-memory database. */
  dataDir?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Connections the socket server accepts at once; default 4. */
  maxConnections?: number;
}

export interface EmbeddedPostgres {
  /** `postgresql://postgres:postgres@127.0.0.1:<port>/postgres?sslmode=disable` */
  readonly databaseUrl: string;
  /** Closes client connections, stops listening and flushes and closes the database. */
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions = {},
): Promise<EmbeddedPostgres> {
  if (options.dataDir !== undefined) await mkdir(options.dataDir, { recursive: true });
  const db = await PGlite.create({
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${EMBEDDED_SHARED_BUFFERS}`],
  });
  const server = new PGLiteSocketServer({
    db,
    host: '127.0.0.1',
    port: options.port ?? 0,
    maxConnections: options.maxConnections ?? 4,
  });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  let stopped: Promise<void> | undefined;
  return {
    databaseUrl: `postgresql://postgres:postgres@${server.getServerConn()}/postgres?sslmode=disable`,
    stop() {
      stopped ??= (async () => {
        try {
          await server.stop();
        } finally {
          await db.close();
        }
      })();
      return stopped;
    },
  };
}
