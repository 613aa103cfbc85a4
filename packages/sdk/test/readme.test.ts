/**
 * The README's example, run as written (copied beside the package so its import resolves),
 * against the proof API double and anvil.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startProofStage } from './proof-api-double.ts';
import type { ProofStage } from './proof-api-double.ts';

const run = promisify(execFile);
const example = new URL('../readme-example.test-run.ts', import.meta.url);
let stage: ProofStage;

before(async () => {
  stage = await startProofStage();
});

after(async () => {
  await rm(example, { force: true });
  await stage.close();
});

describe('README', { timeout: 120_000 }, () => {
  it('has a ten-line example that verifies a proof as written', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const code = /## Example\n\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(code !== undefined, 'the README has an Example section with a ts block');
    assert.ok(code.trim().split('\n').length <= 10, 'ten lines at most');
    await writeFile(example, code);
    const cid = stage.anchored.entries[0]!;
    const { stdout } = await run(process.execPath, [example.pathname, cid], {
      env: { ...process.env, PROOF_API: stage.api, EVM_RPC: stage.fixture.rpcUrl },
    });
    assert.match(
      stdout,
      new RegExp(`^anchored on evm ${stage.fixture.chainId} \\(\\d+ confirmations\\); sent before \\S+Z\n$`),
    );
  });
});
