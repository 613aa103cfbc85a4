/**
 * Database settings from the environment, declared as schemas and read once at start-up with
 * loadConfig: a bad value stops the process with ConfigError naming the variable rather than
 * failing later on first use. Only the chosen mode's settings are read.
 *
 * - ANCHORPOST_DATABASE_URL set → PostgreSQL at that URL;
 *   ANCHORPOST_DATABASE_POOL_SIZE (default 10) connections.
 * - unset → the embedded database in ANCHORPOST_DATA_DIR/postgres (default ./data/postgres),
 *   served on 127.0.0.1:ANCHORPOST_EMBEDDED_POSTGRES_PORT (default 0: any free port).
 */
import { join, resolve } from 'node:path';
import { loadConfig, type ConfigSchema } from '@anchorpost/config';
import { DEFAULT_POOL_SIZE } from './create-database.ts';

export type DatabaseConfig =
  | { mode: 'postgres'; databaseUrl: string; poolSize: number }
  | { mode: 'embedded'; dataDir: string; port: number };

const urlSchema = {
  /** Secret: it may carry the password. */
  databaseUrl: {
    kind: 'url',
    env: 'ANCHORPOST_DATABASE_URL',
    protocols: ['postgresql:', 'postgres:'],
    optional: true,
    secret: true,
  },
} as const satisfies ConfigSchema;
const postgresSchema = {
  poolSize: {
    kind: 'int',
    env: 'ANCHORPOST_DATABASE_POOL_SIZE',
    default: DEFAULT_POOL_SIZE,
    min: 1,
    max: 1000,
  },
} as const satisfies ConfigSchema;
const embeddedSchema = {
  dataDir: { kind: 'string', env: 'ANCHORPOST_DATA_DIR', default: 'data' },
  port: { kind: 'int', env: 'ANCHORPOST_EMBEDDED_POSTGRES_PORT', default: 0, min: 0, max: 65_535 },
} as const satisfies ConfigSchema;

/** Every database setting (what docs and chart checks enumerate). */
export const databaseConfigSchema = { ...urlSchema, ...postgresSchema, ...embeddedSchema } as const;

export function readDatabaseConfig(env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
  const { databaseUrl } = loadConfig(urlSchema, env);
  if (databaseUrl !== undefined) {
    return { mode: 'postgres', databaseUrl, poolSize: loadConfig(postgresSchema, env).poolSize };
  }
  const { dataDir, port } = loadConfig(embeddedSchema, env);
  return { mode: 'embedded', dataDir: join(resolve(dataDir), 'postgres'), port };
}
