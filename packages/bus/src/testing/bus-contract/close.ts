/** Bus contract, group "close": A closed bus refuses every call. */
import { describe, it } from 'node:test';
import { groupName, message, rejectsWith, topicName } from './fixture.ts';
import type { BusGroupContext } from './fixture.ts';

export function closeGroup(context: BusGroupContext): void {
  const { timeout, withBus } = context;
  describe('close', () => {
    it('refuses calls after close', { timeout }, () =>
      withBus(async ({ bus }) => {
        const topic = topicName('after-close');
        await bus.ensureTopic(topic, { partitions: 1 });
        await bus.close();
        await bus.close();
        await rejectsWith(bus.publish(topic, [message('k', 'v')]), 'CLOSED');
        await rejectsWith(bus.read(topic, 0, 0, 1), 'CLOSED');
        await rejectsWith(
          bus.subscribe({ groupId: groupName(), topic, handler: () => Promise.resolve() }),
          'CLOSED',
        );
      }),
    );
  });
}
