// `npm run demo` (dist/demo.js) from start to end: the platform starts with no tenant, the demo
// makes its tenant, client key, recipient and API key with `anchorpost tenant …` over the admin API
// (found in the workspace, with no node_modules/.bin on PATH, as `scripts/start.sh demo` runs it),
// and the file is delivered, sealed, anchored, proven and verified.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { it } from 'node:test';

const DEMO = join(import.meta.dirname, '..', 'dist', 'demo.js');

it(
  'npm run demo makes its tenant with the CLI, runs to the verified proof and a short vote recounted',
  { timeout: 300_000 },
  async () => {
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !key.startsWith('ANCHORPOST_') && key !== 'PATH'),
    );
    // Not the checkout's own commands (npm puts them on PATH for its scripts): the demo finds its CLI.
    const checkout = join(import.meta.dirname, '..', '..', '..');
    const path = (process.env.PATH ?? '')
      .split(delimiter)
      .filter((dir) => !dir.startsWith(join(checkout, 'node_modules')))
      .join(delimiter);
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>(
      (resolve) => {
        execFile(
          process.execPath,
          [DEMO],
          { cwd: tmpdir(), env: { ...env, PATH: path, ANCHORPOST_DEMO_KEEP: '1' }, timeout: 280_000 },
          (error, out, err) => {
            resolve({
              code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1,
              stdout: out,
              stderr: err,
            });
          },
        );
      },
    );
    const dir = /starting a fresh platform in (\S+)/.exec(stdout)?.[1];
    try {
      assert.equal(code, 0, `${stdout}\n${stderr}`);
      const commands = stdout
        .split('\n')
        .map((line) => /\$ anchorpost (tenant \S+(?: \S+)?) demo/.exec(line)?.[1])
        .filter((command) => command !== undefined);
      assert.deepEqual(commands, [
        'tenant add',
        'tenant client add',
        'tenant recipient add',
        'tenant key new',
      ]);
      assert.match(stdout, /Bob received it .* and decrypted/);
      assert.match(stdout, /verified with only SHA-256/);
      // The short vote (issue 19): two votes counted from anchored data, the late one not, the
      // organizer's Votes file consistent with what is anchored.
      assert.match(stdout, /a short vote: Alice asks "where\?" \(Pizza or Sushi\), deadline block \d+/);
      assert.match(stdout, /recounted from the anchored files, every proof verified: Pizza 1, Sushi 1\n/);
      assert.match(stdout, /not counted: \S+ LATE_VOTE: /);
      assert.match(stdout, /the Votes file is consistent with the anchored votes/);
      assert.match(stdout, /\] done\n/);
      // Nothing came from the first-start tenants file: the platform made it empty.
      assert.ok(dir !== undefined, stdout);
      assert.deepEqual(JSON.parse(await readFile(join(dir, 'tenants.json'), 'utf8')), { tenants: [] });
    } finally {
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    }
  },
);
