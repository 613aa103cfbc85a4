/** The Kafka adapter: the Bus port on a Kafka cluster through kafkajs. */
export { KafkaBus, openKafkaBus } from './kafka-bus.ts';
export { KAFKA_BUS_DEFAULTS, KAFKA_ENV, kafkaBusConfigSchema, kafkaBusOptionsFromEnv } from './config.ts';
export type { KafkaBusOptions } from './config.ts';
