import { isSet } from '@anchorpost/config';
import type { Bus } from '@anchorpost/bus-port';
import { fileLogBusOptionsFromEnv } from './file-log/config.ts';
import { openFileLogBus } from './file-log/file-log-bus.ts';
import { kafkaBusConfigSchema, kafkaBusOptionsFromEnv } from './kafka/config.ts';
import { openKafkaBus } from './kafka/kafka-bus.ts';

/**
 * The bus a process is configured for: Kafka when ANCHORPOST_KAFKA_BROKERS is set (a cluster,
 * several processes), else the embedded FileLogBus in ANCHORPOST_BUS_DIR (one process).
 */
export async function openBusFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<Bus> {
  if (isSet(kafkaBusConfigSchema.brokers, env)) return openKafkaBus(kafkaBusOptionsFromEnv(env));
  return openFileLogBus(fileLogBusOptionsFromEnv(env));
}
