/**
 * The chain-port contract suite against ErgoChain on a REAL Ergo node, when one is given
 * (ergo-node-harness.ts); without one it shows as skipped, with the reason.
 */
import { it } from 'node:test';
import { anchorChainContract } from '../src/testing/contract.ts';
import { realErgoNodeMissing, startRealErgoTestChain } from './ergo-node-harness.ts';

const missing = realErgoNodeMissing();
if (missing === undefined) {
  anchorChainContract('ErgoChain on a real Ergo node', () => startRealErgoTestChain());
} else {
  it('AnchorChain contract: ErgoChain on a real Ergo node', (t) => {
    t.skip(missing);
  });
}
