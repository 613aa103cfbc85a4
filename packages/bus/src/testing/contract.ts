/**
 * The contract every Bus adapter passes: FileLogBus here, the Kafka adapter against a broker.
 * Registers node:test suites; call it from a test file with a factory for fresh fixtures. Four
 * named groups (bus-contract/: `topics`, `publish and read`, `consumer groups`, `close`), every
 * test on a fresh bus: one group runs alone with
 * `node --test --test-name-pattern '^consumer groups$' test/file-log-bus.contract.test.ts`.
 */
import { describe } from 'node:test';
import { closeGroup } from './bus-contract/close.ts';
import { consumerGroupsGroup } from './bus-contract/consumer-groups.ts';
import { busGroupContext, type BusContractOptions, type BusFixture } from './bus-contract/fixture.ts';
import { publishAndReadGroup } from './bus-contract/publish-and-read.ts';
import { topicsGroup } from './bus-contract/topics.ts';

export type { BusContractOptions, BusFixture } from './bus-contract/fixture.ts';

export function busContract(
  name: string,
  makeBus: () => Promise<BusFixture>,
  options: BusContractOptions = {},
): void {
  const context = busGroupContext(makeBus, options);
  describe(`Bus contract: ${name}`, () => {
    topicsGroup(context);
    publishAndReadGroup(context);
    consumerGroupsGroup(context);
    closeGroup(context);
  });
}
