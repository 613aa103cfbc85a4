/**
 * @anchorpost/bus-port — the bus port of Anchorpost (Kafka's model: keyed partitions, offsets,
 * consumer groups with at-least-once delivery and dead letters): the Bus interface, its error
 * table, topic and group names, the partitioner and dead-letter records. No adapter and no
 * dependency but the protocol, so the cores can name it without installing kafkajs; the adapters
 * are in @anchorpost/bus.
 */
export type {
  BatchHandler,
  Bus,
  BusMessage,
  BusRecord,
  DeliveryFailure,
  PartitionLag,
  PublishedRecord,
  ReadOptions,
  RetryOptions,
  SubscribeOptions,
  Subscription,
  TopicSpec,
} from './bus.ts';
export { MAX_RECORDS_PER_READ, recordBytes } from './bus.ts';
export { BusError, BusErrorCode, isBusError } from './bus-error.ts';
export { assertTopicName, deadLetterTopic } from './topic-name.ts';
export { assertGroupId } from './group-id.ts';
export { murmur2, partitionForKey, toPositive } from './partitioner.ts';
export { DeadLetterHeader, deadLetterMessage } from './dead-letter.ts';
