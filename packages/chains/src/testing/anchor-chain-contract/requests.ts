/**
 * AnchorChain contract, group "requests": what anchor() accepts: one request per sequence, and
 * well-formed ones only.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cidForSmallBytes } from '@anchorpost/protocol';
import type { AnchorRequest } from '../../anchor-request.ts';
import { ChainErrorCode } from '../../chain-error.ts';
import { chainFixture, rejectsWith, sampleAnchorRequest } from './fixture.ts';
import type { ChainHarnessFactory } from './fixture.ts';

export function requestsGroup(factory: ChainHarnessFactory): void {
  describe('requests', () => {
    const fresh = chainFixture(factory);

    it('is idempotent per sequence and refuses a different root or batch for a taken sequence', async () => {
      const { chain } = await fresh();
      const request = sampleAnchorRequest(10);
      const first = await chain.anchor(request);
      const again = await chain.anchor({ ...request });
      assert.deepEqual(again, first);
      const other = sampleAnchorRequest(11);
      await rejectsWith(chain.anchor({ ...request, root: other.root }), ChainErrorCode.Conflict);
      const conflict = await rejectsWith(
        chain.anchor({ ...request, batchCid: other.batchCid }),
        ChainErrorCode.Conflict,
      );
      assert.equal(conflict.retryable, false);
      assert.deepEqual(await chain.status(10), first);
      assert.equal(await chain.status(12), undefined);
    });

    it('rejects malformed requests with INVALID_REQUEST before storing anything', async () => {
      const { chain } = await fresh();
      const good = sampleAnchorRequest(20);
      const bad: AnchorRequest[] = [
        { ...good, sequence: -1 },
        { ...good, sequence: 1.5 },
        { ...good, sequence: Number.MAX_SAFE_INTEGER + 1 },
        { ...good, root: good.root.toUpperCase() },
        { ...good, root: `0x${good.root}` },
        { ...good, root: good.root.slice(2) },
        { ...good, root: '0'.repeat(64) },
        { ...good, batchCid: '' },
        { ...good, batchCid: 'not a cid' },
        { ...good, batchCid: 'b'.repeat(200) },
        // A raw-leaf CID is a tx-file address, not a batch-file.
        { ...good, batchCid: cidForSmallBytes(new Uint8Array([1])) },
      ];
      for (const request of bad) {
        const error = await rejectsWith(chain.anchor(request), ChainErrorCode.InvalidRequest);
        assert.equal(error.retryable, false);
      }
      assert.equal(await chain.status(20), undefined);
    });
  });
}
