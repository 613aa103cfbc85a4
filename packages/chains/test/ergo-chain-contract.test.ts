/** The chain-port contract suite against ErgoChain on the Ergo node test double (one fresh chain per test). */
import { anchorChainContract } from '../src/testing/contract.ts';
import { startErgoTestChain } from './ergo-harness.ts';

anchorChainContract('ErgoChain on the Ergo test double', () => startErgoTestChain());
