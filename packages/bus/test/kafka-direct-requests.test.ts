// DirectRequests.commitGroupStart against a TEST DOUBLE of kafkajs's internal Cluster: the group
// coordinator answers as a broker does while it loads its offsets topic or after the group moved.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Kafka } from 'kafkajs';
import { DirectRequests } from '../src/kafka/direct-requests.ts';

/** What kafkajs throws for a broker's protocol error: a `type` naming Kafka's error code. */
function protocolError(type: string): Error {
  return Object.assign(new Error(`test double: ${type}`), { name: 'KafkaJSProtocolError', type });
}

/** A Kafka client whose private cluster factory returns a cluster test double. */
function kafkaWithCoordinatorFailures(failures: string[]): { kafka: Kafka; lookups: () => number } {
  let lookups = 0;
  const cluster = {
    connect: () => Promise.resolve(),
    findGroupCoordinator: () => {
      lookups += 1;
      return Promise.resolve({
        offsetCommit: () => {
          const failure = failures.shift();
          return failure === undefined ? Promise.resolve({}) : Promise.reject(protocolError(failure));
        },
      });
    },
  };
  const kafka = { [Symbol('private:Kafka:createCluster')]: () => cluster } as unknown as Kafka;
  return { kafka, lookups: () => lookups };
}

const partitions = [{ partition: 0, offset: '0' }];

it('asks again for the coordinator while it loads or has moved, then commits', async () => {
  const double = kafkaWithCoordinatorFailures([
    'COORDINATOR_LOAD_IN_PROGRESS',
    'NOT_COORDINATOR',
    'COORDINATOR_NOT_AVAILABLE',
  ]);
  const direct = new DirectRequests(double.kafka);
  assert.equal(await direct.commitGroupStart('anchorer', 'topic', partitions), true);
  assert.equal(double.lookups(), 4, 'one coordinator lookup per try');
});

it('gives up on a coordinator that never comes, with its error', async () => {
  const double = kafkaWithCoordinatorFailures(Array.from({ length: 20 }, () => 'NOT_COORDINATOR'));
  const direct = new DirectRequests(double.kafka);
  await assert.rejects(direct.commitGroupStart('anchorer', 'topic', partitions), { type: 'NOT_COORDINATOR' });
  assert.equal(double.lookups(), 10);
});

it('does not retry other failures, and a group with members is no failure', async () => {
  const refused = kafkaWithCoordinatorFailures(['GROUP_AUTHORIZATION_FAILED']);
  await assert.rejects(new DirectRequests(refused.kafka).commitGroupStart('g', 't', partitions), {
    type: 'GROUP_AUTHORIZATION_FAILED',
  });
  assert.equal(refused.lookups(), 1);
  const busy = kafkaWithCoordinatorFailures(['REBALANCE_IN_PROGRESS']);
  assert.equal(await new DirectRequests(busy.kafka).commitGroupStart('g', 't', partitions), false);
});
