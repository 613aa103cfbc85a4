// Relay.submit with an Ergo chain configured (the in-memory Ergo block view test double): a file
// naming blocks that are not the chain's, above its tip, or too old is refused with its code and
// leaves nothing behind; with the node down it is refused as retryable, never accepted unchecked.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { GroupKeys, TxBlockchain } from '@anchorpost/protocol';
import { isRelayError } from '../src/relay-error.ts';
import { MemoryErgoBlockView } from '../src/testing/index.ts';
import { newGroup, openFixture, TENANT, txFileBytes } from './relay-fixture.ts';
import type { Fixture } from './relay-fixture.ts';

describe('Relay.submit checks the blocks a tx-file names against its Ergo chain', () => {
  const view = new MemoryErgoBlockView(200);
  let fixture: Fixture;
  let group: GroupKeys;

  const blocks = (last: number, trusted = last - 10): TxBlockchain => ({
    lastblock: { height: last, signature: view.idAt(last) ?? 'ab'.repeat(32) },
    trustedblock: { height: trusted, signature: view.idAt(trusted) ?? 'ab'.repeat(32) },
  });
  const submit = (blockchain: TxBlockchain, text: string) =>
    fixture.relay.submit(txFileBytes(group, fixture.sender, fixture.app, text, blockchain), {
      tenantId: TENANT,
    });

  before(async () => {
    fixture = await openFixture({ ergo: { view, trustedblockMaxAge: 30, tipRefreshMs: 60_000 } });
    group = await newGroup(fixture.sender);
  });
  after(() => fixture.close());

  const refusedLeavingNothing = async (blockchain: TxBlockchain, code: string, retryable: boolean) => {
    const records = await fixture.busRecords();
    await assert.rejects(submit(blockchain, `refused ${code}`), (error: unknown) => {
      assert.ok(isRelayError(error), String(error));
      assert.equal(error.code, code, error.message);
      assert.equal(error.retryable, retryable);
      return true;
    });
    assert.equal(await fixture.busRecords(), records, 'nothing published');
  };

  it('accepts a file naming blocks of the chain', async () => {
    const { receipt } = await submit(blocks(view.height), 'on chain');
    assert.equal(await fixture.relay.getReceipt(receipt.cid).then((r) => r?.cid), receipt.cid);
  });

  it('refuses a garbage block id (BLOCK_NOT_ON_CHAIN)', async () => {
    const garbage = blocks(view.height);
    garbage.trustedblock.signature = 'ab'.repeat(32);
    await refusedLeavingNothing(garbage, 'BLOCK_NOT_ON_CHAIN', false);
  });

  it('refuses a height above the tip (BLOCK_ABOVE_TIP, retryable)', async () => {
    await refusedLeavingNothing(blocks(view.height + 50, view.height - 5), 'BLOCK_ABOVE_TIP', true);
  });

  it('refuses a trustedblock older than the window (TRUSTEDBLOCK_TOO_OLD)', async () => {
    await refusedLeavingNothing(blocks(view.height - 31, view.height - 41), 'TRUSTEDBLOCK_TOO_OLD', false);
  });

  it('refuses while the node is down (ERGO_NODE_UNAVAILABLE, retryable), accepts once it is back', async () => {
    // A relay of its own, so nothing it read earlier answers for the node.
    const fresh = await fixture.relayWith({ ergo: { view, trustedblockMaxAge: 30 } });
    view.down = true;
    try {
      await assert.rejects(
        fresh.submit(txFileBytes(group, fixture.sender, fixture.app, 'node down', blocks(view.height - 1)), {
          tenantId: TENANT,
        }),
        (error: unknown) => isRelayError(error, 'ERGO_NODE_UNAVAILABLE') && error.retryable,
      );
    } finally {
      view.down = false;
    }
    await fresh.submit(
      txFileBytes(group, fixture.sender, fixture.app, 'node back', blocks(view.height - 1)),
      {
        tenantId: TENANT,
      },
    );
  });
});
