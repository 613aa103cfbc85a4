import { loadConfig, type ConfigSchema } from '@anchorpost/config';
import { BusError, BusErrorCode } from '@anchorpost/bus-port';

export interface KafkaBusOptions {
  /** Bootstrap brokers, `host:port`. */
  readonly brokers: readonly string[];
  /** Names this client in the broker's logs and quotas (default `anchorpost`). */
  readonly clientId?: string;
  /** TCP connect limit per broker (default 3 s). */
  readonly connectionTimeoutMs?: number;
  /** Limit per request (default 30 s, as Kafka's request.timeout.ms). */
  readonly requestTimeoutMs?: number;
  /**
   * kafkajs retries of a failed request before the call fails with UNAVAILABLE (default 5, with
   * backoff from 300 ms: about 10 s when the brokers are down).
   */
  readonly retries?: number;
  /** Largest record (value, key, headers) publish accepts (default 1 MiB, the broker's own default). */
  readonly maxRecordBytes?: number;
  /** Replicas of topics created by ensureTopic (default: the broker's default.replication.factor). */
  readonly replicationFactor?: number;
}

export const KAFKA_BUS_DEFAULTS = {
  clientId: 'anchorpost',
  connectionTimeoutMs: 3_000,
  requestTimeoutMs: 30_000,
  retries: 5,
  // A whole tx-file (≤ 1 MiB) plus its receipt and framing; the broker's message.max.bytes must allow it.
  maxRecordBytes: 2 * 1024 * 1024,
} as const;

const BROKER = /^[A-Za-z0-9.-]+:[0-9]{1,5}$|^\[[0-9A-Fa-f:.]+\]:[0-9]{1,5}$/;

/**
 * The Kafka adapter's settings, read with loadConfig: a bad value is ConfigError (BAD_CONFIG)
 * naming its variable. `ANCHORPOST_KAFKA_BROKERS` is a comma list of `host:port`; the rest are
 * optional whole numbers (unset: the adapter's defaults).
 */
export const kafkaBusConfigSchema = {
  brokers: { kind: 'list', of: 'string', env: 'ANCHORPOST_KAFKA_BROKERS', pattern: BROKER },
  clientId: { kind: 'string', env: 'ANCHORPOST_KAFKA_CLIENT_ID', optional: true },
  connectionTimeoutMs: { kind: 'int', env: 'ANCHORPOST_KAFKA_CONNECTION_TIMEOUT_MS', optional: true, min: 1 },
  requestTimeoutMs: { kind: 'int', env: 'ANCHORPOST_KAFKA_REQUEST_TIMEOUT_MS', optional: true, min: 1 },
  retries: { kind: 'int', env: 'ANCHORPOST_KAFKA_RETRIES', optional: true, min: 0 },
  maxRecordBytes: { kind: 'int', env: 'ANCHORPOST_KAFKA_MAX_RECORD_BYTES', optional: true, min: 1 },
  replicationFactor: { kind: 'int', env: 'ANCHORPOST_KAFKA_REPLICATION_FACTOR', optional: true, min: 1 },
} as const satisfies ConfigSchema;

/** The environment keys the Kafka adapter reads, by option. */
export const KAFKA_ENV = {
  brokers: kafkaBusConfigSchema.brokers.env,
  clientId: kafkaBusConfigSchema.clientId.env,
  connectionTimeoutMs: kafkaBusConfigSchema.connectionTimeoutMs.env,
  requestTimeoutMs: kafkaBusConfigSchema.requestTimeoutMs.env,
  retries: kafkaBusConfigSchema.retries.env,
  maxRecordBytes: kafkaBusConfigSchema.maxRecordBytes.env,
  replicationFactor: kafkaBusConfigSchema.replicationFactor.env,
} as const;

export function kafkaBusOptionsFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): KafkaBusOptions {
  const { brokers, ...rest } = loadConfig(kafkaBusConfigSchema, env);
  // Unset options stay absent, so the adapter's defaults apply.
  return {
    brokers: [...brokers],
    ...Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined)),
  };
}

/** Checks brokers given in code the same way as from the environment. */
export function parseBrokers(value: string | readonly string[] | undefined, name: string): string[] {
  const list = (typeof value === 'string' ? value.split(',') : (value ?? [])).map((broker) =>
    typeof broker === 'string' ? broker.trim() : '',
  );
  const brokers = list.filter((broker) => broker !== '');
  if (brokers.length === 0) {
    throw new BusError(
      BusErrorCode.BadConfig,
      `${name} is required: a comma list of Kafka brokers (host:port)`,
    );
  }
  for (const broker of brokers) {
    if (!BROKER.test(broker)) {
      throw new BusError(BusErrorCode.BadConfig, `${name}: ${JSON.stringify(broker)} is not host:port`);
    }
  }
  return brokers;
}
