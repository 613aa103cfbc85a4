/** Bus contract, group "topics": topic names, unknown topics, ensureTopic. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { groupName, message, rejectsWith, topicName } from './fixture.ts';
import type { BusGroupContext } from './fixture.ts';

export function topicsGroup(context: BusGroupContext): void {
  const { timeout, withBus } = context;
  describe('topics', () => {
    it('rejects topic names that are not anchorpost.<entity>.<event>.v<N>-shaped', { timeout }, () =>
      withBus(async ({ bus }) => {
        const bad = [
          '',
          'anchorpost',
          'Anchorpost.tx-file.accepted.v1',
          'anchorpost..accepted.v1',
          'anchorpost.tx-file.accepted.',
          '.anchorpost.tx-file',
          'anchorpost.tx file.v1',
          'anchorpost.tx_file.v1',
          'anchorpost/tx-file.v1',
          '-anchorpost.tx-file.v1',
          `anchorpost.${'x'.repeat(250)}.v1`,
        ];
        for (const topic of bad) {
          await rejectsWith(
            bus.ensureTopic(topic, { partitions: 1 }),
            'INVALID_TOPIC',
            `ensureTopic ${topic}`,
          );
          await rejectsWith(bus.publish(topic, [message('k', 'v')]), 'INVALID_TOPIC', `publish ${topic}`);
          await rejectsWith(bus.read(topic, 0, 0, 1), 'INVALID_TOPIC', `read ${topic}`);
          await rejectsWith(bus.endOffsets(topic), 'INVALID_TOPIC', `endOffsets ${topic}`);
          await rejectsWith(bus.lag(groupName(), topic), 'INVALID_TOPIC', `lag ${topic}`);
          await rejectsWith(
            bus.subscribe({ groupId: groupName(), topic, handler: () => Promise.resolve() }),
            'INVALID_TOPIC',
            `subscribe ${topic}`,
          );
        }
        await bus.ensureTopic(topicName('accepted'), { partitions: 1 });
      }),
    );

    it('refuses a topic that was never created', { timeout }, () =>
      withBus(async ({ bus }) => {
        const topic = topicName('missing');
        await rejectsWith(bus.publish(topic, [message('k', 'v')]), 'UNKNOWN_TOPIC');
        await rejectsWith(bus.read(topic, 0, 0, 1), 'UNKNOWN_TOPIC');
        await rejectsWith(bus.endOffsets(topic), 'UNKNOWN_TOPIC');
        await rejectsWith(
          bus.subscribe({ groupId: groupName(), topic, handler: () => Promise.resolve() }),
          'UNKNOWN_TOPIC',
        );
      }),
    );

    it('ensureTopic is idempotent and refuses another partition count', { timeout }, () =>
      withBus(async ({ bus }) => {
        const topic = topicName('ensured');
        await bus.ensureTopic(topic, { partitions: 3 });
        await bus.ensureTopic(topic, { partitions: 3 });
        await Promise.all([
          bus.ensureTopic(topic, { partitions: 3 }),
          bus.ensureTopic(topic, { partitions: 3 }),
        ]);
        assert.deepEqual(await bus.endOffsets(topic), [0, 0, 0]);
        await rejectsWith(bus.ensureTopic(topic, { partitions: 4 }), 'TOPIC_CONFLICT');
        await rejectsWith(bus.ensureTopic(topicName('zero'), { partitions: 0 }), 'INVALID_ARGUMENT');
      }),
    );
  });
}
