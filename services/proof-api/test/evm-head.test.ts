import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isChainError, startAnvil } from '@anchorpost/chains';
import type { Anvil } from '@anchorpost/chains';
import { EvmHead } from '../src/evm-head.ts';

describe('EvmHead against anvil', () => {
  let anvil: Anvil;
  const mine = async (blocks: number) => {
    await fetch(anvil.rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'anvil_mine',
        params: [`0x${blocks.toString(16)}`],
      }),
    });
  };
  before(async () => {
    anvil = await startAnvil();
  });
  after(async () => {
    await anvil.stop();
  });

  it('reuses one read for cacheMs, and reads again after', async () => {
    const cached = new EvmHead({ rpcUrls: [anvil.rpcUrl], chainId: anvil.chainId, cacheMs: 60_000 });
    const fresh = new EvmHead({ rpcUrls: [anvil.rpcUrl], chainId: anvil.chainId, cacheMs: 0 });
    const start = await cached.current();
    assert.equal(await fresh.current(), start);
    await mine(3);
    assert.equal(await cached.current(), start);
    assert.equal(await fresh.current(), start + 3);
    assert.equal(await cached.read(), start + 3);
  });

  it('refuses endpoints that serve another chain', async () => {
    const wrong = new EvmHead({ rpcUrls: [anvil.rpcUrl], chainId: anvil.chainId + 1, cacheMs: 0 });
    await assert.rejects(
      wrong.current(),
      (error: unknown) => isChainError(error) && error.code === 'BAD_CONFIG',
    );
  });
});
