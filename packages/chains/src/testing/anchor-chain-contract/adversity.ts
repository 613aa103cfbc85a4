/**
 * AnchorChain contract, group "adversity": look-alike anchors and reorgs, where the harness can
 * produce them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AnchorState } from '../../anchor-request.ts';
import { allAnchors, assertMatches, chainFixture, inState, sampleAnchorRequest, settle } from './fixture.ts';
import type { ChainHarnessFactory } from './fixture.ts';

export function adversityGroup(factory: ChainHarnessFactory): void {
  describe('adversity', () => {
    const fresh = chainFixture(factory);

    it('ignores anchor look-alikes from untrusted sources', async (t) => {
      const { harness, chain } = await fresh();
      if (harness.forgeAnchor === undefined) {
        t.skip('harness cannot forge anchors');
        return;
      }
      const forged = sampleAnchorRequest(80, 'forged');
      await harness.forgeAnchor(forged);
      const real = sampleAnchorRequest(81);
      await chain.anchor(real);
      await settle(chain, harness, inState(chain, 81, AnchorState.Mined));
      await harness.forgeAnchor(sampleAnchorRequest(82, 'forged'));
      assert.deepEqual(
        (await allAnchors(chain)).map((a) => a.sequence),
        [81],
      );
    });

    it('goes back and anchors again, once, when a reorg drops the anchor block', async (t) => {
      const { harness, chain } = await fresh();
      if (harness.reorg === undefined) {
        t.skip('harness cannot reorganize');
        return;
      }
      const request = sampleAnchorRequest(90);
      await chain.anchor(request);
      await settle(chain, harness, inState(chain, 90, AnchorState.Mined));
      const dropped = (await chain.status(90))!.inclusion!;
      await harness.mine(1);
      const head = await chain.head();
      await harness.reorg(head.number - dropped.blockNumber + 1);
      assert.notEqual((await chain.head()).hash, head.hash, 'the harness reorg must replace the head block');
      assert.deepEqual(await allAnchors(chain), [], 'the dropped anchor must not be read any more');
      const transitions = await chain.tick();
      assert.ok(
        transitions.some(
          (x) =>
            x.from === AnchorState.Mined && (x.to === AnchorState.Submitted || x.to === AnchorState.Pending),
        ),
        `expected a step back, got ${transitions.map((x) => `${x.from}>${x.to}`).join(', ')}`,
      );
      await settle(chain, harness, inState(chain, 90, AnchorState.Confirmed));
      const record = (await chain.status(90))!;
      assert.notEqual(record.inclusion!.blockHash, dropped.blockHash);
      const anchors = await allAnchors(chain);
      assert.equal(anchors.length, 1);
      assertMatches(anchors[0]!, request, record);
    });
  });
}
