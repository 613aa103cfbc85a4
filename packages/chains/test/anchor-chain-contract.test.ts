/** The chain-port contract suite against EvmChain on a real anvil (one fresh chain per test). */
import { anchorChainContract } from '../src/testing/contract.ts';
import { startEvmTestChain } from '../src/testing/evm-harness.ts';

anchorChainContract('EvmChain on anvil', () => startEvmTestChain());
