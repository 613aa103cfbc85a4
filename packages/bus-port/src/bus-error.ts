/**
 * Every failure of the bus port is a BusError: a stable code (never renamed, only added) and
 * whether trying the same call again can help, so callers can choose between retry and giving up
 * (and consumers between retry and dead-letter).
 */
import { AnchorpostError, errorKinds } from '@anchorpost/protocol';
export const BusErrorCode = {
  /** A topic name does not have the shape `anchorpost.<entity>.<event>.v<N>`. */
  InvalidTopic: 'INVALID_TOPIC',
  /** The topic was never created with ensureTopic. */
  UnknownTopic: 'UNKNOWN_TOPIC',
  /** The partition number is not one of the topic's partitions. */
  UnknownPartition: 'UNKNOWN_PARTITION',
  /** ensureTopic found the topic with a different partition count. */
  TopicConflict: 'TOPIC_CONFLICT',
  /** A malformed argument: a message without a string key, a negative offset, a bad group id... */
  InvalidArgument: 'INVALID_ARGUMENT',
  /** A record is larger than the bus accepts (Kafka's MESSAGE_TOO_LARGE). */
  TooLarge: 'TOO_LARGE',
  /** A read asked for an offset past the partition's end. */
  OffsetOutOfRange: 'OFFSET_OUT_OF_RANGE',
  /** Stored bytes fail their checksum or framing: the log is damaged at that point. */
  Corrupt: 'CORRUPT',
  /** Another process (or another bus in this process) holds the log directory. */
  Locked: 'LOCKED',
  /** Writing or syncing the log failed; this bus instance refuses further writes (reopen it). */
  StorageFailed: 'STORAGE_FAILED',
  /** The bus cannot be reached right now (a broker down, a connection refused). */
  Unavailable: 'UNAVAILABLE',
  /** The call did not finish within its time limit. */
  Timeout: 'TIMEOUT',
  /** The bus or subscription was closed. */
  Closed: 'CLOSED',
  /** Start-up configuration is missing or invalid (the message names the key). */
  BadConfig: 'BAD_CONFIG',
} as const;

export type BusErrorCode = (typeof BusErrorCode)[keyof typeof BusErrorCode];

const KINDS = errorKinds<BusErrorCode>(BusErrorCode, {
  // A bad argument or topic reaching the bus is our bug, whoever sent the request.
  INVALID_TOPIC: 'internal',
  UNKNOWN_TOPIC: 'internal',
  UNKNOWN_PARTITION: 'internal',
  TOPIC_CONFLICT: 'internal',
  INVALID_ARGUMENT: 'internal',
  TOO_LARGE: 'too-large',
  OFFSET_OUT_OF_RANGE: 'internal',
  CORRUPT: 'internal',
  LOCKED: 'unavailable',
  STORAGE_FAILED: 'internal',
  UNAVAILABLE: 'unavailable',
  TIMEOUT: 'unavailable',
  CLOSED: 'unavailable',
  BAD_CONFIG: 'internal',
});

const RETRYABLE: ReadonlySet<BusErrorCode> = new Set<BusErrorCode>([
  BusErrorCode.Locked,
  BusErrorCode.Unavailable,
  BusErrorCode.Timeout,
]);

export class BusError extends AnchorpostError<BusErrorCode> {
  override readonly name = 'BusError';

  constructor(code: BusErrorCode, message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(code, KINDS[code], message, options?.retryable ?? RETRYABLE.has(code), options);
  }
}

export function isBusError(error: unknown, code?: BusErrorCode): error is BusError {
  return error instanceof BusError && (code === undefined || error.code === code);
}
