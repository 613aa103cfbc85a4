import { BusError, BusErrorCode } from '@anchorpost/bus-port';

/**
 * Kafka protocol error types (kafkajs's `error.type`) that have a port code of their own; any other
 * failure of a broker call — connection refused, no broker, retries exhausted — is UNAVAILABLE
 * (retryable), so callers treat a Kafka outage like any other transient one.
 */
const BY_TYPE: Readonly<Record<string, BusErrorCode>> = {
  UNKNOWN_TOPIC_OR_PARTITION: BusErrorCode.UnknownTopic,
  TOPIC_ALREADY_EXISTS: BusErrorCode.TopicConflict,
  INVALID_TOPIC_EXCEPTION: BusErrorCode.InvalidTopic,
  MESSAGE_TOO_LARGE: BusErrorCode.TooLarge,
  RECORD_LIST_TOO_LARGE: BusErrorCode.TooLarge,
  OFFSET_OUT_OF_RANGE: BusErrorCode.OffsetOutOfRange,
  CORRUPT_MESSAGE: BusErrorCode.Corrupt,
  INVALID_PARTITIONS: BusErrorCode.InvalidArgument,
  INVALID_REPLICATION_FACTOR: BusErrorCode.BadConfig,
  REQUEST_TIMED_OUT: BusErrorCode.Timeout,
};

/** Rebalance errors: the member's assignment is gone; its uncommitted records go to the next owner. */
const REBALANCE_TYPES = new Set([
  'REBALANCE_IN_PROGRESS',
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
  'FENCED_INSTANCE_ID',
]);

/** The group's coordinator is not ready or not this broker: a new lookup, a little later, cures it. */
const COORDINATOR_TYPES = new Set([
  'NOT_COORDINATOR',
  'COORDINATOR_NOT_AVAILABLE',
  'COORDINATOR_LOAD_IN_PROGRESS',
]);

export function isCoordinatorError(error: unknown): boolean {
  const type = protocolType(error);
  return type !== undefined && COORDINATOR_TYPES.has(type);
}

/** Maps what kafkajs threw to a BusError saying which call failed. BusErrors pass through. */
export function kafkaBusError(error: unknown, what: string): BusError {
  if (error instanceof BusError) return error;
  const type = protocolType(error);
  const code = (type !== undefined ? BY_TYPE[type] : undefined) ?? timeoutOrUnavailable(error);
  return new BusError(code, `${what}: ${describe(error)}`, { cause: error });
}

export function isRebalanceError(error: unknown): boolean {
  const type = protocolType(error);
  return type !== undefined && REBALANCE_TYPES.has(type);
}

/** The protocol error type of the error or of what it wraps (kafkajs nests them in retry errors). */
function protocolType(error: unknown): string | undefined {
  for (let current = error, depth = 0; depth < 5 && isObject(current); depth++) {
    if (typeof current.type === 'string') return current.type;
    if (current.name === 'KafkaJSAggregateError' && Array.isArray(current.errors)) {
      current = (current.errors as unknown[])[0];
      continue;
    }
    current = current.cause;
  }
  return undefined;
}

function timeoutOrUnavailable(error: unknown): BusErrorCode {
  for (let current = error, depth = 0; depth < 5 && isObject(current); depth++) {
    if (current.name === 'KafkaJSRequestTimeoutError' || current.name === 'KafkaJSTimeout') {
      return BusErrorCode.Timeout;
    }
    current = current.cause;
  }
  return BusErrorCode.Unavailable;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause !== undefined && cause !== error.message ? `${error.message} (${cause})` : error.message;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
