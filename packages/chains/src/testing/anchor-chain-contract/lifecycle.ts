/**
 * AnchorChain contract, group "lifecycle": the life of one request: through every state to
 * FINALIZED, and the confirmations counted on the way.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AnchorState } from '../../anchor-request.ts';
import { allAnchors, assertMatches, chainFixture, inState, sampleAnchorRequest, settle } from './fixture.ts';
import type { ChainHarnessFactory } from './fixture.ts';

export function lifecycleGroup(factory: ChainHarnessFactory): void {
  describe('lifecycle', () => {
    const fresh = chainFixture(factory);

    it('anchors a request through MINED and CONFIRMED to FINALIZED, and reads it back', async () => {
      const { harness, chain } = await fresh();
      const request = sampleAnchorRequest(0);
      const created = await chain.anchor(request);
      assert.equal(created.state, AnchorState.Pending);
      assert.equal(created.chain, chain.id);
      const seen: string[] = [];
      for (let round = 0; round < 60; round++) {
        for (const t of await chain.tick()) {
          assert.equal(t.sequence, 0);
          assert.equal(t.record.state, t.to);
          if (t.from !== t.to) seen.push(`${t.from}>${t.to}`);
        }
        if ((await chain.status(0))?.state === AnchorState.Finalized) break;
        await harness.mine(1);
      }
      assert.deepEqual(seen, [
        'PENDING>SUBMITTED',
        'SUBMITTED>MINED',
        'MINED>CONFIRMED',
        'CONFIRMED>FINALIZED',
      ]);
      const record = (await chain.status(0))!;
      assert.ok(record.confirmations >= harness.finalityDepth);
      assert.equal(record.inclusion?.adopted, false);
      const anchors = await allAnchors(chain);
      assert.equal(anchors.length, 1);
      assertMatches(anchors[0]!, request, record);
      // Finalized requests are at rest: further ticks change nothing.
      assert.deepEqual(await chain.tick(), []);
    });

    it('reaches CONFIRMED exactly at the configured number of confirmations', async () => {
      const { harness, chain } = await fresh();
      await chain.anchor(sampleAnchorRequest(1));
      await settle(chain, harness, inState(chain, 1, AnchorState.Mined));
      const mined = (await chain.status(1))!;
      const blockNumber = mined.inclusion!.blockNumber;
      for (;;) {
        const confirmations = await chain.confirmations(blockNumber, mined.inclusion!.blockHash);
        await chain.tick();
        const state = (await chain.status(1))!.state;
        assert.equal(
          state,
          confirmations >= harness.confirmations ? AnchorState.Confirmed : AnchorState.Mined,
        );
        if (state === AnchorState.Confirmed) break;
        await harness.mine(1);
      }
      assert.equal((await chain.status(1))!.confirmations, harness.confirmations);
    });

    it('counts confirmations from the head, and none for unknown or future blocks', async () => {
      const { harness, chain } = await fresh();
      await chain.anchor(sampleAnchorRequest(2));
      await settle(chain, harness, inState(chain, 2, AnchorState.Mined));
      const { blockNumber, blockHash } = (await chain.status(2))!.inclusion!;
      const before = await chain.head();
      assert.equal(await chain.confirmations(blockNumber), before.number - blockNumber + 1);
      await harness.mine(3);
      const head = await chain.head();
      assert.equal(head.number, before.number + 3);
      assert.match(head.hash, /^(0x)?[0-9a-f]{64}$/);
      assert.equal(new Date(head.time).toISOString(), head.time);
      assert.equal(await chain.confirmations(blockNumber, blockHash), head.number - blockNumber + 1);
      assert.equal(await chain.confirmations(head.number), 1);
      assert.equal(await chain.confirmations(head.number + 1), 0);
      assert.equal(await chain.confirmations(blockNumber, `${'0'.repeat(blockHash.length - 2)}aa`), 0);
    });
  });
}
