import { BusError, BusErrorCode } from '../bus-error.ts';

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

/** The environment keys the Kafka adapter reads; a bad value is BAD_CONFIG naming its key. */
export const KAFKA_ENV = {
  brokers: 'ANCHORPOST_KAFKA_BROKERS',
  clientId: 'ANCHORPOST_KAFKA_CLIENT_ID',
  connectionTimeoutMs: 'ANCHORPOST_KAFKA_CONNECTION_TIMEOUT_MS',
  requestTimeoutMs: 'ANCHORPOST_KAFKA_REQUEST_TIMEOUT_MS',
  retries: 'ANCHORPOST_KAFKA_RETRIES',
  maxRecordBytes: 'ANCHORPOST_KAFKA_MAX_RECORD_BYTES',
  replicationFactor: 'ANCHORPOST_KAFKA_REPLICATION_FACTOR',
} as const;

const BROKER = /^[A-Za-z0-9.-]+:[0-9]{1,5}$|^\[[0-9A-Fa-f:.]+\]:[0-9]{1,5}$/;

/** `ANCHORPOST_KAFKA_BROKERS` is a comma list of `host:port`; the rest are optional whole numbers. */
export function kafkaBusOptionsFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): KafkaBusOptions {
  const brokers = parseBrokers(env[KAFKA_ENV.brokers], KAFKA_ENV.brokers);
  const options: { -readonly [K in keyof KafkaBusOptions]: KafkaBusOptions[K] } = { brokers };
  const clientId = env[KAFKA_ENV.clientId]?.trim();
  if (clientId !== undefined && clientId !== '') options.clientId = clientId;
  const numbers = [
    ['connectionTimeoutMs', 1],
    ['requestTimeoutMs', 1],
    ['retries', 0],
    ['maxRecordBytes', 1],
    ['replicationFactor', 1],
  ] as const;
  for (const [name, min] of numbers) {
    const key = KAFKA_ENV[name];
    const text = env[key]?.trim();
    if (text === undefined || text === '') continue;
    if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < min) {
      throw new BusError(
        BusErrorCode.BadConfig,
        `${key} must be a whole number of at least ${min}, got ${JSON.stringify(text)}`,
      );
    }
    options[name] = Number(text);
  }
  return options;
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
