/**
 * The contract's recovery group on the Ergo test double with its extra index trailing the chain,
 * as a real node's does (docs/ergo.md, "Against a real node"): an anchor put on chain elsewhere is
 * adopted, or a conflicting one fails the request, only once the index has reached its block.
 * Against a real node, a harness that took "mined" for "indexed" failed both tests.
 */
import { describe } from 'node:test';
import { recoveryGroup } from '../src/testing/anchor-chain-contract/recovery.ts';
import { startErgoTestChain } from './ergo-harness.ts';

describe('ErgoChain recovery on the Ergo test double, index trailing the chain by 2 blocks', () => {
  recoveryGroup(() => startErgoTestChain({ confirmations: 5, finalityDepth: 8, devnet: { indexerLag: 2 } }));
});
