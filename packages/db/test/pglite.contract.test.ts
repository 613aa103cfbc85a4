// The database contract against the embedded adapter: PGlite persisted in a temp folder, served
// on 127.0.0.1 by its socket server, reached through @prisma/adapter-pg like any PostgreSQL.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMBEDDED_POOL_SIZE, startEmbeddedPostgres } from '../src/embedded-postgres.ts';
import type { EmbeddedPostgres } from '../src/embedded-postgres.ts';
import { databaseContract } from '../src/testing/index.ts';
import type { DatabaseUnderTest } from '../src/testing/index.ts';

databaseContract('embedded PGlite', {
  separateSessions: false,
  async create(): Promise<DatabaseUnderTest> {
    const dataDir = await mkdtemp(join(tmpdir(), 'anchorpost-pglite-'));
    let server: EmbeddedPostgres = await startEmbeddedPostgres({ dataDir });
    const port = Number(new URL(server.databaseUrl).port);
    return {
      get databaseUrl() {
        return server.databaseUrl;
      },
      poolSize: EMBEDDED_POOL_SIZE,
      async restart() {
        await server.stop();
        // Same folder and same port: clients that held the old URL reconnect to the new server.
        server = await startEmbeddedPostgres({ dataDir, port });
      },
      async destroy() {
        await server.stop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  },
});
