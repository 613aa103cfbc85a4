/**
 * Database settings from the environment, checked once at start-up: a bad value stops the
 * process with the name of the variable rather than failing later on first use.
 *
 * - ANCHORPOST_DATABASE_URL set → PostgreSQL at that URL;
 *   ANCHORPOST_DATABASE_POOL_SIZE (default 10) connections.
 * - unset → the embedded database in ANCHORPOST_DATA_DIR/postgres (default ./data/postgres),
 *   served on 127.0.0.1:ANCHORPOST_EMBEDDED_POSTGRES_PORT (default 0: any free port).
 */
import { join, resolve } from 'node:path';
import { DbError } from './db-error.ts';
import { DEFAULT_POOL_SIZE } from './create-database.ts';

export type DatabaseConfig =
  | { mode: 'postgres'; databaseUrl: string; poolSize: number }
  | { mode: 'embedded'; dataDir: string; port: number };

function integer(env: NodeJS.ProcessEnv, key: string, fallback: number, min: number, max: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new DbError('INVALID_ARGUMENT', `${key} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

export function readDatabaseConfig(env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
  const url = env['ANCHORPOST_DATABASE_URL'];
  if (url !== undefined && url !== '') {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new DbError('INVALID_ARGUMENT', 'ANCHORPOST_DATABASE_URL is not a URL');
    }
    if (parsed.protocol !== 'postgresql:' && parsed.protocol !== 'postgres:') {
      throw new DbError('INVALID_ARGUMENT', 'ANCHORPOST_DATABASE_URL must start with postgresql://');
    }
    return {
      mode: 'postgres',
      databaseUrl: url,
      poolSize: integer(env, 'ANCHORPOST_DATABASE_POOL_SIZE', DEFAULT_POOL_SIZE, 1, 1000),
    };
  }
  const dataDir =
    env['ANCHORPOST_DATA_DIR'] === undefined || env['ANCHORPOST_DATA_DIR'] === ''
      ? 'data'
      : env['ANCHORPOST_DATA_DIR'];
  return {
    mode: 'embedded',
    dataDir: join(resolve(dataDir), 'postgres'),
    port: integer(env, 'ANCHORPOST_EMBEDDED_POSTGRES_PORT', 0, 0, 65_535),
  };
}
