// The platform refuses to start on a bad setting, before it starts anything, naming the variable.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

function start(env: Record<string, string>, ...args: string[]) {
  return new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [MAIN, ...args],
      { env: { PATH: process.env.PATH, ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        resolve({
          status: error === null ? 0 : typeof error.code === 'number' ? error.code : -1,
          stdout,
          stderr,
        });
      },
    );
  });
}

describe('anchorpost-platform', () => {
  for (const [key, value] of [
    ['ANCHORPOST_BATCH_INTERVAL', 'every minute'],
    ['ANCHORPOST_RELAY_HTTP_PORT', '70000'],
    ['ANCHORPOST_PARSER_TRUSTED_DEPTH', '-1'],
    ['ANCHORPOST_ANVIL_BLOCK_TIME', 'fast'],
    ['ANCHORPOST_PLATFORM_ID', 'has spaces'],
    ['ANCHORPOST_BATCHER_RELAY_PUBLIC_KEYS', 'not-a-key'],
    ['ANCHORPOST_BATCHER_PIN_TIMEOUT', 'forever'],
  ] as const) {
    it(`refuses ${key}=${value} and names it, before creating anything`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'anchorpost-platform-config-'));
      try {
        const result = await start({ ANCHORPOST_DATA_DIR: join(dir, 'data'), [key]: value });
        assert.equal(result.status, 2, result.stderr);
        assert.match(result.stderr, new RegExp(`^ERROR BAD_CONFIG ${key}: `, 'm'));
        assert.deepEqual(await readdir(dir), [], 'nothing was created');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }

  it("refuses Ergo without the marker's minting transaction (its trust roots need it), before creating anything", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'anchorpost-platform-config-'));
    try {
      const result = await start({
        ANCHORPOST_DATA_DIR: join(dir, 'data'),
        ANCHORPOST_ERGO_NODE_URLS: 'http://127.0.0.1:9',
        ANCHORPOST_ERGO_NETWORK: 'testnet',
        ANCHORPOST_ERGO_TOKEN_ID: 'ab'.repeat(32),
      });
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, /^ERROR BAD_CONFIG ANCHORPOST_ERGO_MINT_TX_ID: .*mint-marker/m);
      assert.deepEqual(await readdir(dir), [], 'nothing was created');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('answers an unknown command with its usage (exit 2)', async () => {
    const result = await start({}, 'launch');
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^usage: anchorpost-platform \[start \| rebuild\]/);
  });
});
