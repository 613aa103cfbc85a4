/**
 * Start-up in one call: start the embedded server if the config says so, apply pending
 * migrations, open the database. What a service's wiring calls.
 */
import { createDatabase } from './create-database.ts';
import type { Database } from './create-database.ts';
import type { DatabaseConfig } from './database-config.ts';
import { EMBEDDED_POOL_SIZE, startEmbeddedPostgres } from './embedded-postgres.ts';
import { migrate } from './migrations/migrate.ts';

export interface OpenedDatabase {
  readonly database: Database;
  /** The URL in use (the embedded server's when embedded). */
  readonly databaseUrl: string;
  /** Closes the pool, then stops the embedded server if there is one. */
  close(): Promise<void>;
}

export async function openDatabase(config: DatabaseConfig): Promise<OpenedDatabase> {
  const server = config.mode === 'embedded' ? await startEmbeddedPostgres(config) : undefined;
  const databaseUrl = server?.databaseUrl ?? (config.mode === 'postgres' ? config.databaseUrl : '');
  try {
    await migrate(databaseUrl);
  } catch (error) {
    await server?.stop();
    throw error;
  }
  const database = createDatabase({
    databaseUrl,
    poolSize: config.mode === 'postgres' ? config.poolSize : EMBEDDED_POOL_SIZE,
  });
  return {
    database,
    databaseUrl,
    async close() {
      try {
        await database.close();
      } finally {
        await server?.stop();
      }
    },
  };
}
