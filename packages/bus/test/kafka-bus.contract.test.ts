import { it } from 'node:test';
import { openKafkaBus, type KafkaBus } from '../src/index.ts';
import { busContract } from '../src/testing/index.ts';
import { testBrokers, withoutKafka } from './fixtures/kafka-broker.ts';

const brokers = testBrokers;

if (brokers === undefined) {
  void it('Bus contract: KafkaBus', (t) => {
    withoutKafka(t);
  });
} else {
  const open = (): Promise<KafkaBus> =>
    openKafkaBus({ brokers: brokers.split(','), clientId: 'anchorpost-contract' });
  // Every test gets fresh random topics and groups on the shared broker; a "reopen" is a new client.
  busContract('KafkaBus', async () => {
    let bus = await open();
    return {
      bus,
      reopen: async () => {
        await bus.close();
        bus = await open();
        return bus;
      },
      cleanup: () => bus.close(),
    };
  });
}
