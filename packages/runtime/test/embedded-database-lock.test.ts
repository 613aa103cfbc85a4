// The embedded database has one owner process: a live owner's lock refuses a second opener with
// a clear error (not a hang, not a corrupted folder); a dead owner's lock is taken over.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError } from '@anchorpost/service-kit';
import { lockEmbeddedDatabase } from '../src/embedded-database-lock.ts';

describe('lockEmbeddedDatabase', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'anchorpost-runtime-lock-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('refuses while a live process owns the database, and takes over a dead owner’s lock', async () => {
    const postgres = join(dir, 'postgres');
    // The test runner that started this process is alive and is not us.
    await writeFile(`${postgres}.lock`, `${process.ppid}\n`);
    await assert.rejects(lockEmbeddedDatabase(postgres), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.key, 'ANCHORPOST_DATABASE_URL');
      assert.match(error.message, /only one process may use it/);
      return true;
    });
    await writeFile(`${postgres}.lock`, '2147483646\n');
    const lock = await lockEmbeddedDatabase(postgres);
    assert.equal((await readFile(`${postgres}.lock`, 'utf8')).trim(), String(process.pid));
    await lock.release();
    await assert.rejects(readFile(`${postgres}.lock`), { code: 'ENOENT' });
  });
});
