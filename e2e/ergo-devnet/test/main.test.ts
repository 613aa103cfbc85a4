/**
 * The double as its own process, as the e2e cluster runs it: one ready line with its URL, blocks
 * every so many ms, events on stderr, a clean stop on SIGTERM, and a refusal of bad flags.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { TEST_DOUBLE_NAME } from '../src/index.ts';
import { walletAt } from './helpers.ts';

const MAIN = join(import.meta.dirname, '../src/main.ts');

describe('the Ergo node test double as a process', () => {
  it('prints its URL, mines on a timer, logs a fund on stderr, and stops on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [MAIN, '--port', '0', '--auto-mine-ms', '40', '--start-height', '1000'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = once(child, 'exit');
    try {
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const deadline = Date.now() + 10_000;
      while (!stdout.includes('\n') && Date.now() < deadline) await sleep(20);
      const ready = JSON.parse(stdout.split('\n')[0]!) as {
        name: string;
        url: string;
        network: string;
        height: number;
      };
      assert.equal(ready.name, TEST_DOUBLE_NAME);
      assert.equal(ready.network, 'testnet');
      assert.equal(ready.height, 1009);
      assert.match(ready.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const info = async () =>
        (await (await fetch(`${ready.url}/info`)).json()) as { name: string; fullHeight: number };
      assert.equal((await info()).name, TEST_DOUBLE_NAME);
      const start = (await info()).fullHeight;
      while ((await info()).fullHeight < start + 2 && Date.now() < deadline) await sleep(20);
      assert.ok((await info()).fullHeight >= start + 2, 'blocks on a timer');
      const funded = await fetch(`${ready.url}/devnet/fund`, {
        method: 'POST',
        body: JSON.stringify({ address: walletAt(40).base58, value: 1_000_000_000 }),
      });
      assert.equal(funded.status, 200);
      while (!stderr.includes('"fund"') && Date.now() < deadline) await sleep(20);
      const event = JSON.parse(stderr.split('\n').find((line) => line.includes('"fund"'))!) as Record<
        string,
        unknown
      >;
      assert.equal(event.name, TEST_DOUBLE_NAME);
      assert.equal(event.value, '1000000000');
      child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      assert.equal(code, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('refuses a bad flag with exit code 2 and says why', async () => {
    const child = spawn(process.execPath, [MAIN, '--network', 'moonnet'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 2);
    assert.match(stderr, /--network: testnet, mainnet or devnet/);
  });
});
