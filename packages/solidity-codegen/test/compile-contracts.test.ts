/**
 * The shared compile step with a library: imports resolve only inside declared libraries, a
 * warning inside a library is let through while one in the package's own source fails, and an
 * unchanged tree is skipped without loading solc. (The chains package's codegen tests cover
 * errors, warnings and the pinned pragma without libraries.)
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { compileContracts } from '../src/compile-contracts.ts';
import type { CompileContractsOptions } from '../src/compile-contracts.ts';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
// Checkpoints.sol draws solc 0.8.37's "`at` will become a keyword" warnings: a library warning.
const SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";

contract Ledger {
    using Checkpoints for Checkpoints.Trace208;
    Checkpoints.Trace208 private _history;

    function record(uint48 key, uint208 value) external {
        _history.push(key, value);
    }
}
`;

describe('compileContracts with libraries', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'anchorpost-solidity-codegen-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function compile(name: string, source: string, libraries: readonly string[]) {
    const sourceDir = join(dir, name, 'contracts');
    const outDir = join(dir, name, 'generated');
    await mkdir(sourceDir, { recursive: true });
    await writeFile(join(sourceDir, 'Ledger.sol'), source);
    const options: CompileContractsOptions = {
      packageDir,
      sourceDir,
      outDir,
      targets: [{ source: 'Ledger.sol', contract: 'Ledger', output: 'ledger.ts', exportPrefix: 'ledger' }],
      solcVersion: '0.8.37',
      evmVersion: 'cancun',
      optimizerRuns: 200,
      libraries,
      scriptText: 'test',
    };
    const lines: string[] = [];
    const log = (...args: unknown[]) => lines.push(args.map(String).join(' '));
    const [originalLog, originalError] = [console.log, console.error];
    console.log = log;
    console.error = log;
    try {
      await compileContracts(options);
      return { ok: true, output: lines.join('\n'), outDir };
    } catch (error) {
      return { ok: false, output: `${lines.join('\n')}\n${(error as Error).message}`, outDir };
    } finally {
      console.log = originalLog;
      console.error = originalError;
    }
  }

  it('compiles against a declared library, letting its warnings through, then skips the unchanged tree', async () => {
    const first = await compile('ok', SOURCE, ['@openzeppelin/contracts']);
    assert.ok(first.ok, first.output);
    assert.match(first.output, /"at" will be promoted to keyword/);
    const generated = await readFile(join(first.outDir, 'ledger.ts'), 'utf8');
    assert.match(generated, /^export const ledgerAbi = \[/m);
    const second = await compile('ok', SOURCE, ['@openzeppelin/contracts']);
    assert.ok(second.ok);
    assert.match(second.output, /ledger\.ts is up to date/);
  });

  it('refuses an import from a package that is not declared', async () => {
    const run = await compile('undeclared', SOURCE, []);
    assert.equal(run.ok, false);
    assert.match(run.output, /not in a declared library/);
  });

  it('refuses an import that climbs out of a declared library', async () => {
    const escaping = SOURCE.replace(
      '@openzeppelin/contracts/utils/structs/Checkpoints.sol',
      '@openzeppelin/contracts/../../package.json',
    );
    const run = await compile('escape', escaping, ['@openzeppelin/contracts']);
    assert.equal(run.ok, false);
    assert.match(run.output, /not in a declared library/);
  });

  it('fails on a warning in the package’s own source', async () => {
    const warned = SOURCE.replace(
      '_history.push(key, value);',
      '_history.push(key, value);\n        uint256 unused;',
    );
    const run = await compile('own-warning', warned, ['@openzeppelin/contracts']);
    assert.equal(run.ok, false);
    assert.match(run.output, /Unused local variable/);
    assert.match(run.output, /1 compiler error\(s\)\/warning\(s\)/);
  });
});
