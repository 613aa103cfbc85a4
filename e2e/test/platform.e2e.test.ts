// The end-to-end scenario (scenario.ts) on the platform as a user starts it: `npm start`'s one
// process on its embedded adapters (PGlite, the file-log bus, Helia, anvil), in a child process on
// a temp data folder; the crash is a SIGKILL of that process and a restart on the same folder.
// Ergo is on too: the platform anchors on the Ergo node test double (its own process) beside anvil.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openDatabase } from '@anchorpost/db';
import { startErgoDevnetProcess } from './ergo-devnet-process.ts';
import { e2eEnv, REPO, startPlatformProcess, type PlatformProcess } from './platform-process.ts';
import { describeEndToEnd, TRUSTED_BLOCK_HEIGHTS, type IndexRows, type SystemUnderTest } from './scenario.ts';

const run = promisify(execFile);

async function startPlatform(dir: string, tenants: unknown): Promise<SystemUnderTest> {
  await writeFile(join(dir, 'tenants.json'), JSON.stringify(tenants));
  const logPath = join(dir, 'platform.log');
  const ergo = await startErgoDevnetProcess(dir, TRUSTED_BLOCK_HEIGHTS.from);
  // The relay checks the blocks each file names on the double; its window is wide because the
  // double mines every 400 ms (a day of mainnet blocks passes in minutes here).
  const env = () =>
    e2eEnv(dir, {
      ...ergo.env,
      ANCHORPOST_RELAY_ERGO_NODE_URL: ergo.url,
      ANCHORPOST_RELAY_ERGO_NETWORK: 'testnet',
      ANCHORPOST_RELAY_TRUSTEDBLOCK_MAX_AGE: '1000000',
    });
  let platform: PlatformProcess;
  try {
    platform = await startPlatformProcess(env(), logPath);
  } catch (error) {
    await ergo.stop();
    throw error;
  }
  const endpoint = (name: string) => platform.endpoints[name]!;
  return {
    submitUrl: () => endpoint('relay.http'),
    subscribeUrl: () => endpoint('relay.http'),
    grpcAddress: () => endpoint('relay.grpc'),
    proofApiUrl: () => endpoint('proof-api.http'),
    evmRpc: () => endpoint('evmRpc'),
    contractAddress: () => endpoint('anchor-contract'),
    // The one-machine platform's own trust.json, as its start banner names it.
    trustFile: () => Promise.resolve(endpoint('trust-roots')),
    ergo: {
      nodeUrl: () => ergo.url,
      tokenId: () => ergo.tokenId,
      startHeight: () => Number(ergo.env.ANCHORPOST_ERGO_START_HEIGHT),
      rollback: (blocks) => ergo.rollback(blocks),
      relayChecksBlocks: true,
    },
    async crash() {
      await platform.kill();
      platform = await startPlatformProcess(env(), logPath);
    },
    async stopCleanly() {
      assert.equal(await platform.stop(), 0, 'the platform stops cleanly on SIGTERM');
    },
    async dumpIndex(): Promise<IndexRows> {
      const opened = await openDatabase({ mode: 'embedded', dataDir: join(dir, 'postgres'), port: 0 });
      try {
        // The chain cursor may be further on after a rebuild; every indexed row must be equal.
        const { batches, batchEntries, txFiles, anchors } = await opened.database.index.dumpAll();
        return { batches, batchEntries, txFiles, anchors };
      } finally {
        await opened.close();
      }
    },
    async rebuildIndex() {
      await run(process.execPath, [join(REPO, 'services/platform/dist/main.js'), 'rebuild'], {
        env: env(),
        maxBuffer: 64 * 1024 * 1024,
      });
    },
    async close() {
      if (platform.child.exitCode === null && platform.child.signalCode === null) await platform.stop();
      await ergo.stop();
      // An anvil left by a failed run: stop it, so nothing outlives the test.
      const pid = Number(await readFile(join(dir, 'evm', 'anvil.pid'), 'utf8').catch(() => ''));
      if (pid > 1) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          // already gone
        }
      }
    },
  };
}

describeEndToEnd('platform end to end, one process on embedded adapters', { start: startPlatform });
