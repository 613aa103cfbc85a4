/**
 * The contract suite of the chain port: every AnchorChain adapter (EVM on anvil, Ergo on its node
 * test double) registers these node:test groups with a harness factory and must pass them
 * unchanged. Each group is a describe of its own (`lifecycle`, `requests`, `reading`, `recovery`,
 * `adversity`, in anchor-chain-contract/), each test on a fresh chain: run one group alone with
 * `node --test --test-name-pattern '^reading$' test/anchor-chain-contract.test.ts`.
 */
import { describe } from 'node:test';
import { adversityGroup } from './anchor-chain-contract/adversity.ts';
import type { ChainHarnessFactory } from './anchor-chain-contract/fixture.ts';
import { lifecycleGroup } from './anchor-chain-contract/lifecycle.ts';
import { readingGroup } from './anchor-chain-contract/reading.ts';
import { recoveryGroup } from './anchor-chain-contract/recovery.ts';
import { requestsGroup } from './anchor-chain-contract/requests.ts';

export { allAnchors, inState, sampleAnchorRequest, settle } from './anchor-chain-contract/fixture.ts';
export type { ChainHarness, ChainHarnessFactory } from './anchor-chain-contract/fixture.ts';

export function anchorChainContract(name: string, factory: ChainHarnessFactory): void {
  describe(`AnchorChain contract: ${name}`, () => {
    lifecycleGroup(factory);
    requestsGroup(factory);
    readingGroup(factory);
    recoveryGroup(factory);
    adversityGroup(factory);
  });
}
