/**
 * ErgoChain beyond the shared contract: a 3-block rollback under several chained anchors, the
 * transaction count and cost per batch, the float's top-up, and running out of funds.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import * as ergo from 'ergo-lib-wasm-nodejs';
import { AnchorState } from '../src/anchor-request.ts';
import { MemoryAnchorRequestStore } from '../src/memory-anchor-request-store.ts';
import { allAnchors, inState, sampleAnchorRequest, settle } from '../src/testing/contract.ts';
import { decodeAnchorBox, holdsMarker, toBigInt } from '../src/ergo/index.ts';
import type { ErgoChain, ErgoIndexedBox } from '../src/ergo/index.ts';
import { startErgoTestChain } from './ergo-harness.ts';
import type { ErgoTestChain } from './ergo-harness.ts';

/** Every box that ever held the marker, oldest first (the node's index). */
async function markerBoxes(harness: ErgoTestChain): Promise<ErgoIndexedBox[]> {
  const page = await harness.client.boxesByTokenId(harness.tokenId, 0, 1000);
  // Nodes list them newest first: order by the index's global position.
  return [...page.items].sort((a, b) => a.globalIndex - b.globalIndex);
}

async function settleAll(chain: ErgoChain, harness: ErgoTestChain, sequences: number[], state: AnchorState) {
  await settle(chain, harness, async () => {
    for (const s of sequences) if ((await chain.status(s))?.state !== state) return false;
    return true;
  });
}

describe('ErgoChain on the Ergo test double', () => {
  const harnesses: ErgoTestChain[] = [];
  const fresh = async (options?: Parameters<typeof startErgoTestChain>[0]) => {
    const harness = await startErgoTestChain(options);
    harnesses.push(harness);
    return harness;
  };
  after(async () => {
    for (const harness of harnesses) await harness.close();
  });

  it('re-anchors each batch once after a 3-block rollback that drops its transactions', async () => {
    const harness = await fresh({ confirmations: 2, finalityDepth: 20 });
    const store = new MemoryAnchorRequestStore();
    const chain = harness.open(store);
    const sequences = [0, 1, 2];
    for (const s of sequences) {
      await chain.anchor(sampleAnchorRequest(s));
      await settle(chain, harness, inState(chain, s, AnchorState.Mined));
    }
    await settleAll(chain, harness, sequences, AnchorState.Confirmed);
    const before = await Promise.all(sequences.map(async (s) => (await chain.status(s))!));
    const heights = before.map((r) => r.inclusion!.blockNumber);
    assert.deepEqual(heights, [...new Set(heights)], 'three anchors in three blocks');
    const head = await chain.head();
    const depth = head.number - heights[0]! + 1;
    assert.ok(depth >= 3);
    // Drop the newest `depth` blocks (all three anchors) and their transactions; mine empty ones.
    harness.devnet.rollback(depth, { dropTransactions: true });
    harness.devnet.mine(depth);
    assert.deepEqual(await allAnchors(chain), [], 'no anchor left on the best chain');
    const stepBack = await chain.tick();
    assert.deepEqual(
      stepBack.filter((t) => t.from !== t.to).map((t) => `${t.sequence}:${t.from}>${t.to}`),
      ['0:CONFIRMED>SUBMITTED', '1:CONFIRMED>SUBMITTED', '2:CONFIRMED>SUBMITTED'],
    );
    await settleAll(chain, harness, sequences, AnchorState.Confirmed);
    const after = await Promise.all(sequences.map(async (s) => (await chain.status(s))!));
    for (const [i, record] of after.entries()) {
      // The very transaction was sent again: not signed anew, so never a second anchor.
      assert.equal(record.attempts.length, 1);
      assert.equal(record.inclusion!.txHash, before[i]!.inclusion!.txHash);
      assert.notEqual(record.inclusion!.blockHash, before[i]!.inclusion!.blockHash);
    }
    const anchors = await allAnchors(chain);
    assert.deepEqual(
      anchors.map((a) => a.sequence),
      sequences,
    );
    // One line of marker boxes: mint box, then one box per anchor, each spent by the next.
    const boxes = await markerBoxes(harness);
    assert.equal(boxes.length, 1 + sequences.length);
    for (let i = 0; i + 1 < boxes.length; i++) {
      assert.equal(boxes[i]!.spentTransactionId, boxes[i + 1]!.transactionId);
    }
    assert.equal(boxes.at(-1)!.spentTransactionId, null);
  });

  it('waits for an extra index that trails the chain instead of sending a mined anchor again', async () => {
    const harness = await fresh({ confirmations: 2, devnet: { indexerLag: 2 } });
    const chain = harness.open(new MemoryAnchorRequestStore());
    for (const s of [40, 41, 42]) await chain.anchor(sampleAnchorRequest(s));
    await settleAll(chain, harness, [40, 41, 42], AnchorState.Confirmed);
    for (const s of [40, 41, 42]) {
      const record = (await chain.status(s))!;
      assert.equal(record.attempts.length, 1, 'signed once');
      assert.equal(record.inclusion?.adopted, false, 'followed, not adopted after a detour through PENDING');
    }
    harness.devnet.mine(3);
    const boxes = await markerBoxes(harness);
    assert.equal(boxes.length, 4, 'mint + one anchor per batch');
  });

  it('follows its transactions back into the pool when a rollback returns them (as a node does)', async () => {
    const harness = await fresh({ confirmations: 2 });
    const chain = harness.open(new MemoryAnchorRequestStore());
    await chain.anchor(sampleAnchorRequest(5));
    await settle(chain, harness, inState(chain, 5, AnchorState.Mined));
    const mined = (await chain.status(5))!.inclusion!;
    harness.devnet.rollback(1);
    assert.deepEqual(harness.devnet.mempool(), [mined.txHash]);
    await chain.tick();
    assert.equal((await chain.status(5))!.state, AnchorState.Submitted);
    await settle(chain, harness, inState(chain, 5, AnchorState.Confirmed));
    assert.equal((await chain.status(5))!.inclusion!.txHash, mined.txHash);
    assert.equal((await allAnchors(chain)).length, 1);
  });

  it('spends one transaction per batch: one input, the anchor box and the fee, measured', async () => {
    const harness = await fresh();
    const chain = harness.open(new MemoryAnchorRequestStore());
    const sequences = [10, 11, 12, 13, 14];
    for (const s of sequences) await chain.anchor(sampleAnchorRequest(s));
    await settleAll(chain, harness, sequences, AnchorState.Confirmed);
    const boxes = await markerBoxes(harness);
    const anchorTxs = new Set(boxes.slice(1).map((b) => b.transactionId));
    assert.equal(anchorTxs.size, sequences.length, 'exactly one Ergo transaction per batch');
    const sizes: number[] = [];
    for (const txId of anchorTxs) {
      const tx = (await harness.client.indexedTransaction(txId))!;
      assert.equal(tx.inputs.length, 1);
      assert.equal(tx.outputs.length, 2);
      const fee = toBigInt(tx.outputs[1]!.value);
      assert.equal(fee, 1_100_000n);
      const spent = toBigInt((tx.inputs[0] as unknown as { value: number }).value);
      assert.equal(toBigInt(tx.outputs[0]!.value), spent - fee, 'the float less the fee, no change box');
      assert.ok(holdsMarker(tx.outputs[0]!, harness.tokenId));
      assert.ok(decodeAnchorBox(tx.outputs[0]!, harness.tokenId) !== undefined);
      const raw = (await chain.status(decodeAnchorBox(tx.outputs[0]!, harness.tokenId)!.sequence))!
        .attempts[0]!;
      sizes.push(ergo.Transaction.from_json(raw.rawTransaction).sigma_serialize_bytes().length);
    }
    // Printed for the record (docs/ergo.md quotes it); bounded so a regression shows.
    console.log(`ergo anchor transaction: ${sizes.join(', ')} bytes serialized, fee 1100000 nanoERG each`);
    for (const size of sizes) assert.ok(size > 200 && size < 500, `size ${size}`);
  });

  it('tops the float up from the wallet when it runs low, and says INSUFFICIENT_FUNDS when it cannot', async () => {
    const harness = await fresh();
    // A fee that eats the 2 ERG float in two anchors.
    const greedy = harness.open(new MemoryAnchorRequestStore(), {
      fee: 900_000_000n,
      topUpBelow: 1_500_000_000n,
    });
    await greedy.anchor(sampleAnchorRequest(20));
    await settle(greedy, harness, inState(greedy, 20, AnchorState.Mined));
    // The 2 ERG float was above the 1.5 ERG threshold; now 1.1 ERG is below it: the next anchor tops up.
    const walletBefore = await harness.client.unspentBoxesByAddress(harness.wallet.address);
    const free = walletBefore.filter((b) => b.assets.length === 0);
    assert.ok(free.length >= 1, 'the wallet has change from the mint to top up with');
    await greedy.anchor(sampleAnchorRequest(21));
    await settle(greedy, harness, inState(greedy, 21, AnchorState.Mined));
    const tx = (await harness.client.indexedTransaction((await greedy.status(21))!.inclusion!.txHash))!;
    assert.ok(tx.inputs.length > 1, 'wallet boxes spent into the anchor box');
    // Now drain everything: the wallet is empty and the float cannot pay.
    const broke = harness.open(new MemoryAnchorRequestStore(), { fee: 60_000_000_000n, topUpBelow: 0n });
    await broke.anchor(sampleAnchorRequest(22));
    await broke.tick();
    const record = (await broke.status(22))!;
    assert.equal(record.state, AnchorState.Pending);
    assert.equal(record.lastError?.code, 'INSUFFICIENT_FUNDS');
    assert.deepEqual(harness.devnet.mempool(), []);
  });
});
