/**
 * AnchorChain contract, group "reading": many anchors on chain, and readAnchors over them page by
 * page.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AnchorState } from '../../anchor-request.ts';
import { ChainErrorCode } from '../../chain-error.ts';
import {
  allAnchors,
  assertMatches,
  chainFixture,
  inState,
  rejectsWith,
  sampleAnchorRequest,
  settle,
} from './fixture.ts';
import type { ChainHarnessFactory } from './fixture.ts';

export function readingGroup(factory: ChainHarnessFactory): void {
  describe('reading', () => {
    const fresh = chainFixture(factory);

    it('anchors many requests at once, each exactly once, in sequence order', async () => {
      const { harness, chain } = await fresh();
      const requests = [30, 31, 32, 33, 34].map((s) => sampleAnchorRequest(s));
      for (const request of requests) await chain.anchor(request);
      await settle(chain, harness, async () => {
        const states = await Promise.all(requests.map(async (r) => (await chain.status(r.sequence))?.state));
        return states.every((s) => s === AnchorState.Confirmed || s === AnchorState.Finalized);
      });
      const anchors = await allAnchors(chain);
      assert.deepEqual(
        anchors.map((a) => a.sequence),
        requests.map((r) => r.sequence),
      );
      for (const request of requests) {
        const anchor = anchors.find((a) => a.sequence === request.sequence)!;
        assertMatches(anchor, request, (await chain.status(request.sequence))!);
      }
    });

    it('reads anchors page by page: contiguous ranges, clamped to the head, in chain order', async () => {
      const { harness, chain } = await fresh();
      const requests = [40, 41, 42].map((s) => sampleAnchorRequest(s));
      for (const request of requests) {
        await chain.anchor(request);
        await settle(chain, harness, inState(chain, request.sequence, AnchorState.Mined));
        await harness.mine(4);
      }
      const head = await chain.head();
      const pages = [];
      for await (const page of chain.readAnchors(0, head.number + 100)) pages.push(page);
      assert.ok(pages.length > 1, 'expected several pages');
      assert.equal(pages[0]!.fromBlock, 0);
      assert.equal(pages.at(-1)!.toBlock, head.number);
      for (let i = 1; i < pages.length; i++) assert.equal(pages[i]!.fromBlock, pages[i - 1]!.toBlock + 1);
      for (const page of pages) {
        assert.ok(page.fromBlock <= page.toBlock);
        for (const anchor of page.anchors) {
          assert.ok(anchor.blockNumber >= page.fromBlock && anchor.blockNumber <= page.toBlock);
        }
      }
      assert.deepEqual(
        pages.flatMap((p) => p.anchors.map((a) => a.sequence)),
        [40, 41, 42],
      );
      // A sub-range holds exactly the anchors inside it.
      const second = (await chain.status(41))!.inclusion!.blockNumber;
      const inner = [];
      for await (const page of chain.readAnchors(second, second)) inner.push(...page.anchors);
      assert.deepEqual(
        inner.map((a) => a.sequence),
        [41],
      );
      await rejectsWith(
        chain.readAnchors(5, 4)[Symbol.asyncIterator]().next(),
        ChainErrorCode.InvalidRequest,
      );
    });
  });
}
