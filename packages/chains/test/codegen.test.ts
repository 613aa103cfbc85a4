/** The contract codegen fails loudly on compiler errors and warnings, and skips up-to-date output. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../scripts/compile-contracts.ts', import.meta.url));
const contract = fileURLToPath(new URL('../contracts/AnchorpostAnchor.sol', import.meta.url));

describe('codegen (scripts/compile-contracts.ts)', () => {
  let dir: string;
  let source: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'anchorpost-codegen-'));
    source = await readFile(contract, 'utf8');
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function compile(
    name: string,
    text: string,
  ): Promise<{ status: number | null; output: string; out: string }> {
    const sourceDir = join(dir, name, 'contracts');
    const out = join(dir, name, 'generated');
    await mkdir(sourceDir, { recursive: true });
    await writeFile(join(sourceDir, 'AnchorpostAnchor.sol'), text);
    const run = spawnSync(process.execPath, [script, '--source-dir', sourceDir, '--out-dir', out], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { status: run.status, output: `${run.stdout}${run.stderr}`, out };
  }

  it('writes the module once, then finds it up to date', async () => {
    const first = await compile('ok', source);
    assert.equal(first.status, 0, first.output);
    const generated = await readFile(join(first.out, 'anchorpost-anchor.ts'), 'utf8');
    // Checked with test(), so a failure does not print the whole module.
    assert.ok(/^export const anchorpostAnchorAbi = \[/m.test(generated));
    assert.ok(/^export const anchorpostAnchorBytecode =\s+'0x[0-9a-f]+';$/m.test(generated));
    const committed = await readFile(
      new URL('../src/generated/anchorpost-anchor.ts', import.meta.url),
      'utf8',
    );
    assert.ok(generated === committed, 'same input, same bytes as the build output');
    const second = await compile('ok', source);
    assert.equal(second.status, 0);
    assert.match(second.output, /up to date/);
  });

  it('fails on a compiler warning', async () => {
    const warned = source.replace(
      'uint256 length = bytes(batchCid).length;',
      'uint256 length = bytes(batchCid).length;\n        uint256 unused;',
    );
    assert.notEqual(warned, source);
    const run = await compile('warning', warned);
    assert.equal(run.status, 1);
    assert.match(run.output, /Warning: Unused local variable/);
    assert.match(run.output, /codegen failed/);
  });

  it('fails on a compiler error and on an unpinned pragma', async () => {
    const broken = await compile('error', source.replace('emit Anchored(', 'emit Anchored(undefinedThing, '));
    assert.equal(broken.status, 1);
    assert.match(broken.output, /Error/);
    const unpinned = await compile(
      'pragma',
      source.replace('pragma solidity 0.8.37;', 'pragma solidity ^0.8.0;'),
    );
    assert.equal(unpinned.status, 1);
    assert.match(unpinned.output, /expected 'pragma solidity 0\.8\.37;'/);
  });
});
