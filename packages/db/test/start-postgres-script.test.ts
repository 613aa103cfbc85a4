// scripts/start-postgres.sh and stop-postgres.sh, which CI and operators use for a throw-away
// server: a cluster in a temp folder, reached only with its generated password, on 127.0.0.1,
// found again by a second start, gone after stop. Needs PostgreSQL's server binaries
// (scripts/install-postgres.sh); skipped without them, failing with ANCHORPOST_REQUIRE_POSTGRES=1.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import pg from 'pg';
import { postgresRequired } from '../src/testing/index.ts';

const run = promisify(execFile);
const scripts = resolve(import.meta.dirname, '../../../scripts');

function serverBinaries(): string | undefined {
  const fromEnv = process.env['ANCHORPOST_POSTGRES_BIN_DIR'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!existsSync('/usr/lib/postgresql')) return undefined;
  return readdirSync('/usr/lib/postgresql')
    .map((version) => `/usr/lib/postgresql/${version}/bin`)
    .find((dir) => existsSync(join(dir, 'initdb')));
}

async function query(connectionString: string, text: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return (await client.query<Record<string, unknown>>(text)).rows;
  } finally {
    await client.end();
  }
}

const binaries = serverBinaries();
const why = 'no PostgreSQL server binaries (scripts/install-postgres.sh installs them)';
if (binaries === undefined && postgresRequired()) {
  throw new Error(`${why}; required because ANCHORPOST_REQUIRE_POSTGRES=1`);
}

describe(
  'scripts/start-postgres.sh',
  { skip: binaries === undefined ? why : false, timeout: 120_000 },
  () => {
    let dir = '';
    let url = '';
    const env = { ...process.env, ANCHORPOST_POSTGRES_BIN_DIR: binaries ?? '' };

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'anchorpost-start-postgres-'));
      url = (await run(join(scripts, 'start-postgres.sh'), [dir], { env })).stdout.trim();
    });

    after(async () => {
      if (dir === '') return;
      await run(join(scripts, 'stop-postgres.sh'), [dir], { env }).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    });

    it('prints a URL with a generated password, kept 0600 in the folder', async () => {
      const match = /^postgresql:\/\/anchorpost:([0-9a-f]{48})@127\.0\.0\.1:(\d+)\/anchorpost$/.exec(url);
      assert.ok(match, url);
      assert.equal((await readFile(join(dir, 'password'), 'utf8')).trim(), match[1]);
      assert.equal((await stat(join(dir, 'password'))).mode & 0o777, 0o600);
      assert.equal((await stat(join(dir, 'url'))).mode & 0o777, 0o600);
    });

    it('serves the anchorpost database on 127.0.0.1 only, with scram passwords', async () => {
      assert.deepEqual(await query(url, 'SELECT current_database() AS db, current_user AS who'), [
        { db: 'anchorpost', who: 'anchorpost' },
      ]);
      assert.deepEqual(await query(url, 'SHOW listen_addresses'), [{ listen_addresses: '127.0.0.1' }]);
      const wrong = new URL(url);
      wrong.password = 'wrong';
      await assert.rejects(query(wrong.toString(), 'SELECT 1'), /password authentication failed/);
      wrong.password = '';
      await assert.rejects(query(wrong.toString(), 'SELECT 1'));
    });

    it('prints the same URL when started again, and stops', async () => {
      assert.equal((await run(join(scripts, 'start-postgres.sh'), [dir], { env })).stdout.trim(), url);
      await run(join(scripts, 'stop-postgres.sh'), [dir], { env });
      await assert.rejects(query(url, 'SELECT 1'), /ECONNREFUSED/);
      // Started again on the same port, with the data it had.
      assert.equal((await run(join(scripts, 'start-postgres.sh'), [dir], { env })).stdout.trim(), url);
      assert.deepEqual(await query(url, 'SELECT 1 AS one'), [{ one: 1 }]);
    });
  },
);
