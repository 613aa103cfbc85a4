/**
 * @anchorpost/bus — the bus port (Kafka's model: keyed partitions, offsets, consumer groups with
 * at-least-once delivery and dead letters) and its embedded adapter, FileLogBus.
 * The contract tests both adapters pass are in `@anchorpost/bus/testing`.
 */
export type {
  BatchHandler,
  Bus,
  BusMessage,
  BusRecord,
  DeliveryFailure,
  PartitionLag,
  PublishedRecord,
  RetryOptions,
  SubscribeOptions,
  Subscription,
  TopicSpec,
} from './bus.ts';
export { MAX_RECORDS_PER_READ } from './bus.ts';
export { BusError, BusErrorCode, isBusError } from './bus-error.ts';
export { assertTopicName, deadLetterTopic } from './topic-name.ts';
export { assertGroupId } from './group-id.ts';
export { murmur2, partitionForKey, toPositive } from './partitioner.ts';
export { DeadLetterHeader, deadLetterMessage } from './dead-letter.ts';
export { SUBSCRIBE_DEFAULTS } from './subscribe-options.ts';
export * from './file-log/index.ts';
export * from './kafka/index.ts';
export { openBusFromEnv } from './open-bus-from-env.ts';
