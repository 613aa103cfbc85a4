// The SponsorshipStore contract against @anchorpost/db's PostgreSQL adapter on the embedded PGlite.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMBEDDED_POOL_SIZE, createDatabase, migrate, startEmbeddedPostgres } from '@anchorpost/db';
import { sponsorshipStoreContract } from '../src/testing/index.ts';

sponsorshipStoreContract('PostgreSQL adapter on PGlite', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'anchorpost-sponsorships-'));
  const server = await startEmbeddedPostgres({ dataDir });
  await migrate(server.databaseUrl);
  const database = createDatabase({ databaseUrl: server.databaseUrl, poolSize: EMBEDDED_POOL_SIZE });
  return {
    store: database.sponsorships,
    close: async () => {
      await database.close();
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});
