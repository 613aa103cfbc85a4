/**
 * The reference docs generate from the types (TypeDoc, `npm run docs`), for every entry the
 * package exports, with no warning (an exported type that names an unexported one is one).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

const root = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  scripts: { docs: string };
  exports: Record<string, unknown>;
};

describe('the TypeDoc reference', { timeout: 300_000 }, () => {
  it('generates for every exported entry, without a warning', async () => {
    const [command, ...args] = pkg.scripts.docs.split(' ');
    assert.equal(command, 'typedoc');
    const entries = args.filter((arg) => arg.startsWith('src/'));
    const exported = Object.keys(pkg.exports).map((name) =>
      name === '.' ? 'src/index.ts' : `src/${name.slice(2)}.ts`,
    );
    assert.deepEqual(
      [...entries].sort(),
      [...exported].sort(),
      'npm run docs documents each entry of exports',
    );
    const out = await mkdtemp(join(tmpdir(), 'anchorpost-sdk-docs-'));
    try {
      const options = args.map((arg, i) => (args[i - 1] === '--out' ? out : arg));
      const bin = join(root, '..', '..', 'node_modules', '.bin', 'typedoc');
      // No source links: they depend on the clone's git remote (a path in CI), not on the API.
      await promisify(execFile)(bin, [...options, '--disableSources', '--treatWarningsAsErrors'], {
        cwd: root,
      });
      assert.ok(existsSync(join(out, 'index.html')));
      const modules = readFileSync(join(out, 'modules.html'), 'utf8');
      for (const entry of [
        'browser',
        'browser-app',
        'browser-keys',
        'browser-voting',
        'subscribe',
        'file-cid',
        'tx-file-signature',
      ]) {
        assert.ok(modules.includes(`>${entry}<`), `the reference has the ${entry} entry`);
      }
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
