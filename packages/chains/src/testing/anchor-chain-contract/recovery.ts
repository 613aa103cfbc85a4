/**
 * AnchorChain contract, group "recovery": what the chain or the store already holds: a restart, an
 * anchor sent elsewhere, a conflict.
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

export function recoveryGroup(factory: ChainHarnessFactory): void {
  describe('recovery', () => {
    const fresh = chainFixture(factory);

    it('resumes from the store after a restart without anchoring twice', async () => {
      const { harness, store, chain } = await fresh();
      const request = sampleAnchorRequest(50);
      await chain.anchor(request);
      const transitions = await chain.tick();
      assert.ok(transitions.some((t) => t.to === AnchorState.Submitted));
      // "Crash": drop the instance; a new one on the same store takes over.
      const restarted = harness.open(store);
      await settle(restarted, harness, inState(restarted, 50, AnchorState.Confirmed));
      const anchors = (await allAnchors(restarted)).filter((a) => a.sequence === 50);
      assert.equal(anchors.length, 1);
      assertMatches(anchors[0]!, request, (await restarted.status(50))!);
    });

    it('adopts an anchor that is already on chain instead of sending another', async () => {
      const { harness, chain } = await fresh();
      const request = sampleAnchorRequest(300); // 0x12c: an odd number of hex digits
      await harness.anchorElsewhere(request);
      await chain.anchor(request);
      const transitions = await chain.tick();
      assert.deepEqual(
        transitions.map((t) => `${t.from}>${t.to}`),
        ['PENDING>MINED'],
      );
      const record = (await chain.status(300))!;
      assert.equal(record.inclusion?.adopted, true);
      assert.equal(record.attempts.length, 0);
      await settle(chain, harness, inState(chain, 300, AnchorState.Confirmed));
      const anchors = await allAnchors(chain);
      assert.equal(anchors.length, 1);
      assertMatches(anchors[0]!, request, (await chain.status(300))!);
    });

    it('fails a request whose sequence is on chain with another root, and retry() re-checks', async () => {
      const { harness, chain } = await fresh();
      const request = sampleAnchorRequest(70);
      const other = sampleAnchorRequest(70, 'other');
      await harness.anchorElsewhere(other);
      await chain.anchor(request);
      await chain.tick();
      const failed = (await chain.status(70))!;
      assert.equal(failed.state, AnchorState.Failed);
      assert.equal(failed.failure?.code, ChainErrorCode.Conflict);
      // At rest: ticks leave it alone.
      assert.deepEqual(await chain.tick(), []);
      const retried = await chain.retry(70);
      assert.equal(retried.state, AnchorState.Pending);
      await chain.tick();
      assert.equal((await chain.status(70))!.state, AnchorState.Failed);
      await rejectsWith(chain.retry(71), ChainErrorCode.NotFound);
    });
  });
}
