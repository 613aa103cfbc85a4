/** startAnvil: a real anvil process, its accounts, state persistence, clean stops, no orphans. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Wallet } from 'ethers';
import { ChainError, ChainErrorCode } from '../src/chain-error.ts';
import { AnchorState } from '../src/anchor-request.ts';
import { deployAnchorContract } from '../src/evm/anchor-contract.ts';
import { startAnvil } from '../src/evm/anvil.ts';
import { EvmChain } from '../src/evm/evm-chain.ts';
import { JsonRpcPool } from '../src/evm/json-rpc-pool.ts';
import { MemoryAnchorRequestStore } from '../src/memory-anchor-request-store.ts';
import { allAnchors, sampleAnchorRequest } from '../src/testing/contract.ts';

/** Running (a zombie waiting to be reaped by an init that does not reap counts as gone). */
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
};

async function waitUntil(check: () => boolean, ms = 5_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return check();
}

describe('startAnvil', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'anchorpost-anvil-test-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('serves JSON-RPC on 127.0.0.1 with the chain id and funded accounts whose keys match', async () => {
    const anvil = await startAnvil({ chainId: 4242, accounts: 3 });
    try {
      assert.match(anvil.rpcUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.ok(anvil.port > 0);
      const rpc = new JsonRpcPool({ urls: [anvil.rpcUrl] });
      assert.equal(Number(await rpc.request<string>('eth_chainId', [])), 4242);
      assert.equal(anvil.accounts.length, 3);
      for (const [i, account] of anvil.accounts.entries()) {
        assert.equal(new Wallet(anvil.privateKeys[i]!).address.toLowerCase(), account);
        assert.ok(BigInt(await rpc.request<string>('eth_getBalance', [account, 'latest'])) > 0n);
      }
    } finally {
      await anvil.stop();
    }
    assert.equal(alive(anvil.pid), false);
    await anvil.stop(); // idempotent
  });

  it('two chains side by side get different free ports', async () => {
    const [a, b] = await Promise.all([startAnvil(), startAnvil()]);
    try {
      assert.notEqual(a.port, b.port);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('mines on a timer with blockTime', async () => {
    await using anvil = await startAnvil({ blockTime: 1 });
    const rpc = new JsonRpcPool({ urls: [anvil.rpcUrl] });
    const first = Number(await rpc.request<string>('eth_blockNumber', []));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    assert.ok(Number(await rpc.request<string>('eth_blockNumber', [])) > first);
  });

  it('keeps the chain in stateFile across stop and start: contract, anchors and nonces survive', async () => {
    const stateFile = join(dir, 'chain-state.json');
    const store = new MemoryAnchorRequestStore();
    const first = await startAnvil({ stateFile });
    const owner = new Wallet(first.privateKeys[0]!);
    let contractAddress: string;
    let headBefore: number;
    try {
      const rpc = new JsonRpcPool({ urls: [first.rpcUrl] });
      const deployed = await deployAnchorContract(owner, { rpc });
      contractAddress = deployed.address;
      const chain = new EvmChain({
        rpcUrls: [first.rpcUrl],
        chainId: first.chainId,
        contractAddress,
        signer: owner,
        store,
        confirmations: 1,
      });
      await chain.anchor(sampleAnchorRequest(1));
      // Submitted on one tick, seen mined and (1 confirmation) confirmed on a later one; on a busy
      // machine automine's receipt can take more than one tick to show.
      for (let tick = 0; tick < 50 && (await chain.status(1))?.state !== AnchorState.Confirmed; tick++) {
        await chain.tick();
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.equal((await chain.status(1))?.state, AnchorState.Confirmed);
      headBefore = (await chain.head()).number;
    } finally {
      await first.stop();
    }
    assert.ok((await stat(stateFile)).size > 0, 'state written on stop');

    const second = await startAnvil({ stateFile });
    try {
      const chain = new EvmChain({
        rpcUrls: [second.rpcUrl],
        chainId: second.chainId,
        contractAddress,
        signer: owner,
        store,
        confirmations: 1,
      });
      assert.ok((await chain.head()).number >= headBefore);
      assert.deepEqual(
        (await allAnchors(chain)).map((a) => a.sequence),
        [1],
      );
      await chain.anchor(sampleAnchorRequest(2));
      await chain.tick();
      await chain.tick();
      assert.equal((await chain.status(2))?.state, AnchorState.Confirmed);
      assert.deepEqual(
        (await allAnchors(chain)).map((a) => a.sequence),
        [1, 2],
      );
    } finally {
      await second.stop();
    }
  });

  it('fails with NODE_PROCESS when the port is taken', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      await assert.rejects(
        startAnvil({ port }),
        (error: unknown) => error instanceof ChainError && error.code === ChainErrorCode.NodeProcess,
      );
    } finally {
      server.close();
    }
  });

  it('fails with NODE_PROCESS when the binary is missing', async () => {
    await assert.rejects(
      startAnvil({ binary: join(dir, 'no-such-anvil') }),
      (error: unknown) => error instanceof ChainError && error.code === ChainErrorCode.NodeProcess,
    );
  });

  // A process that started anvil and then ends without stop(): anvil must not outlive it.
  for (const [how, ending] of [
    ['process.exit()', 'process.exit(0);'],
    ['an uncaught exception', "throw new Error('crash');"],
    ['the event loop running empty', ''],
  ] as const) {
    it(`stops anvil when its parent ends through ${how}`, async () => {
      const script = [
        `import { startAnvil } from ${JSON.stringify(new URL('../src/evm/anvil.ts', import.meta.url).href)};`,
        'const anvil = await startAnvil();',
        'console.log(anvil.pid);',
        ending,
      ].join('\n');
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      const exited = new Promise<void>((resolve) => {
        child.once('exit', () => {
          resolve();
        });
      });
      let timer: NodeJS.Timeout | undefined;
      const bounded = await Promise.race([
        exited.then(() => true),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => {
            resolve(false);
          }, 15_000);
        }),
      ]);
      clearTimeout(timer);
      if (!bounded) child.kill('SIGKILL');
      assert.ok(bounded, 'the parent process did not end');
      const pid = Number(out.trim());
      assert.ok(pid > 0, `child printed ${out}`);
      assert.ok(await waitUntil(() => !alive(pid)), `anvil ${pid} outlived its parent`);
    });
  }
});
