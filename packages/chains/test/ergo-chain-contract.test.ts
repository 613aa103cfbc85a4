/** The chain-port contract suite against ErgoChain on the Ergo node test double (one fresh chain per test). */
import { anchorChainContract } from '../src/testing/contract.ts';
import { startErgoTestChain } from './ergo-harness.ts';

anchorChainContract('ErgoChain on the Ergo test double', () => startErgoTestChain());
// Nodes before 5.0.25 list a token's boxes oldest first.
anchorChainContract('ErgoChain on the Ergo test double, token index oldest first', () =>
  startErgoTestChain({ devnet: { indexOrder: 'oldest-first' } }),
);
