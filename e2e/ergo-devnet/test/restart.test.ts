/**
 * A double started again on its data folder has the chain it had — blocks, spent and unspent
 * boxes, the extra index, the faucet — and an empty pool, as a node after a restart; what was
 * rolled back stays rolled back; a write cut short by a kill is ignored; a folder that holds
 * another chain is refused.
 */
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startErgoDevnet } from '../src/index.ts';
import type { ErgoDevnet } from '../src/index.ts';
import { get, outputTo, pay, post, walletAt } from './helpers.ts';

const dirs: string[] = [];
async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ergo-devnet-restart-'));
  dirs.push(dir);
  return dir;
}
after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

/** What a client sees of the chain: the headers, and a box as the UTXO set and the index serve it. */
async function view(devnet: ErgoDevnet, boxId: string) {
  return {
    height: devnet.height,
    headers: (await get(devnet, '/blocks/lastHeaders/50')).text,
    utxo: (await get(devnet, `/utxo/byId/${boxId}`)).text,
    indexed: (await get(devnet, `/blockchain/box/byId/${boxId}`)).text,
  };
}

describe('the Ergo node test double restarted on its data folder', () => {
  it('has the same chain, an empty pool, and refuses to spend a box spent before', async () => {
    const dir = await dataDir();
    const alice = walletAt(30);
    const bob = walletAt(31);
    const first = await startErgoDevnet({ dataDir: dir });
    const funds = first.fund(alice.base58, 5_000_000_000n);
    const toBob = await pay(first, alice, [funds], bob.address, 1_000_000_000n);
    assert.equal((await post(first, '/transactions', toBob.json)).status, 200);
    first.mine(2);
    first.rollback(1); // the empty block on top goes; the payment stays
    const bobBox = outputTo(toBob, bob.tree);
    // One more payment left in the pool: a restarted node has lost it.
    const pooled = await pay(first, bob, [bobBox], alice.address, 100_000_000n);
    assert.equal((await post(first, '/transactions', pooled.json)).status, 200);
    const before = await view(first, String(bobBox.boxId));
    await first.close();

    const second = await startErgoDevnet({ dataDir: dir });
    try {
      assert.deepEqual(await view(second, String(bobBox.boxId)), before);
      assert.deepEqual(second.mempool(), [], 'the pool does not survive a restart');
      // Alice's funding box was spent by the payment before the restart: still spent.
      const again = await pay(second, alice, [funds], alice.address, 1_000_000_000n);
      const refused = await post(second, '/transactions', again.json);
      assert.equal(refused.status, 400);
      assert.match(refused.text, new RegExp(`spent by transaction ${toBob.id}`));
      // The faucet is the same key: it can still pay, and new blocks get new ids.
      second.fund(walletAt(32).base58, 1_000_000n);
      const [next] = second.mine(1);
      assert.ok(!before.headers.includes(next!));
      assert.equal(second.height, before.height + 2);
    } finally {
      await second.close();
    }
  });

  it('ignores a last line cut short by a kill', async () => {
    const dir = await dataDir();
    const first = await startErgoDevnet({ dataDir: dir });
    first.mine(3);
    const height = first.height;
    await first.close();
    await appendFile(join(dir, 'chain.jsonl'), '{"kind":"block","header":{"extensionId":"ab');
    const second = await startErgoDevnet({ dataDir: dir });
    try {
      assert.equal(second.height, height);
    } finally {
      await second.close();
    }
  });

  it('refuses a folder holding the chain of another network or start height', async () => {
    const dir = await dataDir();
    await (await startErgoDevnet({ dataDir: dir, startHeight: 100 })).close();
    await assert.rejects(startErgoDevnet({ dataDir: dir, startHeight: 5 }), /not testnet from 5/);
    await assert.rejects(startErgoDevnet({ dataDir: dir, startHeight: 100, network: 'mainnet' }), /mainnet/);
  });
});
