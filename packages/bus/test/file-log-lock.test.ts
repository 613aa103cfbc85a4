import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { BusError, openFileLogBus } from '../src/index.ts';

const run = promisify(execFile);
const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'anchorpost-bus-lock-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('FileLogBus directory lock', { timeout: 60_000 }, () => {
  it('refuses a second bus on the same directory in this process', async () => {
    const bus = await openFileLogBus({ dir });
    try {
      await assert.rejects(openFileLogBus({ dir }), (error: unknown) => {
        assert.ok(error instanceof BusError);
        assert.equal(error.code, 'LOCKED');
        assert.match(error.message, /already open in this process/);
        return true;
      });
      assert.equal((await readFile(join(dir, 'LOCK'), 'utf8')).trim(), String(process.pid));
    } finally {
      await bus.close();
    }
  });

  it('refuses a second process, naming the owner', { timeout: 30_000 }, async () => {
    const bus = await openFileLogBus({ dir });
    try {
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', openerScript(dir)], {
        timeout: 20_000,
      });
      const result = JSON.parse(stdout) as { code: string; message: string };
      assert.equal(result.code, 'LOCKED');
      assert.match(result.message, new RegExp(`locked by running process ${process.pid}`));
    } finally {
      await bus.close();
    }
  });

  it('releases the lock on close', async () => {
    const bus = await openFileLogBus({ dir });
    await bus.close();
    await assert.rejects(stat(join(dir, 'LOCK')), { code: 'ENOENT' });
    await (await openFileLogBus({ dir })).close();
  });

  it('takes over a lock left by a process that died', { timeout: 30_000 }, async () => {
    const child = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => child.once('exit', resolve));
    assert.ok(child.pid !== undefined);
    await writeFile(join(dir, 'LOCK'), `${child.pid}\n`);
    const bus = await openFileLogBus({ dir });
    assert.equal((await readFile(join(dir, 'LOCK'), 'utf8')).trim(), String(process.pid));
    await bus.close();
  });

  it('takes over a lock with its own pid that it does not hold (a container restarted as the same pid)', async () => {
    await writeFile(join(dir, 'LOCK'), `${process.pid}\n`);
    const bus = await openFileLogBus({ dir });
    await bus.close();
  });
});

function openerScript(target: string): string {
  return `
    import { openFileLogBus } from ${JSON.stringify(entry)};
    try {
      const bus = await openFileLogBus({ dir: ${JSON.stringify(target)} });
      await bus.close();
      console.log(JSON.stringify({ code: 'OPENED', message: '' }));
    } catch (error) {
      console.log(JSON.stringify({ code: error.code, message: error.message }));
    }
  `;
}
