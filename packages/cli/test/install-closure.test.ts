// What an auditor installs to run `anchorpost verify`: the CLI's production dependency closure must
// not bring the platform's outside systems (the database, the bus, IPFS) or its dev chains.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const FORBIDDEN = [
  'prisma',
  '@prisma/client',
  '@electric-sql/pglite',
  'kafkajs',
  'helia',
  'solc',
  '@foundry-rs/anvil',
];

describe('the CLI install', () => {
  it('brings none of Prisma, PGlite, kafkajs, Helia, solc or anvil', () => {
    const script = join(import.meta.dirname, '..', '..', '..', 'scripts', 'dependency-closure.ts');
    const args = [script, '@anchorpost/cli', ...FORBIDDEN.flatMap((name) => ['--forbid', name])];
    const run = spawnSync(process.execPath, args, { encoding: 'utf8' });
    assert.equal(run.status, 0, `${run.stdout}${run.stderr}`);
  });
});
