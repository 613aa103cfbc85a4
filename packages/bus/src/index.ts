/**
 * @anchorpost/bus — the bus adapters: the embedded FileLogBus and KafkaBus, and openBusFromEnv that
 * picks one. The port they implement (Kafka's model: keyed partitions, offsets, consumer groups
 * with at-least-once delivery and dead letters) is @anchorpost/bus-port, re-exported here so a
 * service needs one import. The contract tests both adapters pass are in `@anchorpost/bus/testing`.
 */
export * from '@anchorpost/bus-port';
export { SUBSCRIBE_DEFAULTS } from './subscribe-options.ts';
export * from './file-log/index.ts';
export * from './kafka/index.ts';
export { openBusFromEnv } from './open-bus-from-env.ts';
