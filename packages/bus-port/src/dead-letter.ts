import type { BusMessage, BusRecord } from './bus.ts';

/** Headers a dead-lettered record carries besides its own (names shared by both adapters). */
export const DeadLetterHeader = {
  OriginalTopic: 'anchorpost-dlq-original-topic',
  OriginalPartition: 'anchorpost-dlq-original-partition',
  OriginalOffset: 'anchorpost-dlq-original-offset',
  OriginalTimestamp: 'anchorpost-dlq-original-timestamp',
  GroupId: 'anchorpost-dlq-group-id',
  Attempts: 'anchorpost-dlq-attempts',
  ErrorName: 'anchorpost-dlq-error-name',
  /** The error's `code` when it has a string one (BusError, StorageError, ProtocolError...). */
  ErrorCode: 'anchorpost-dlq-error-code',
  ErrorMessage: 'anchorpost-dlq-error-message',
  FailedAt: 'anchorpost-dlq-failed-at',
} as const;

/** Error messages can be huge (a stack, a response body); the header keeps the start. */
const MAX_ERROR_MESSAGE = 2000;

/** The message that carries a failed record into `<topic>.dlq`: same key and value, more headers. */
export function deadLetterMessage(
  record: BusRecord,
  groupId: string,
  error: unknown,
  attempts: number,
  now: Date = new Date(),
): BusMessage {
  const headers: Record<string, string> = {
    ...record.headers,
    [DeadLetterHeader.OriginalTopic]: record.topic,
    [DeadLetterHeader.OriginalPartition]: String(record.partition),
    [DeadLetterHeader.OriginalOffset]: String(record.offset),
    [DeadLetterHeader.OriginalTimestamp]: String(record.timestamp),
    [DeadLetterHeader.GroupId]: groupId,
    [DeadLetterHeader.Attempts]: String(attempts),
    [DeadLetterHeader.ErrorName]: error instanceof Error ? error.name : typeof error,
    [DeadLetterHeader.ErrorMessage]: describe(error).slice(0, MAX_ERROR_MESSAGE),
    [DeadLetterHeader.FailedAt]: now.toISOString(),
  };
  const code = errorCode(error);
  if (code !== undefined) headers[DeadLetterHeader.ErrorCode] = code;
  return { key: record.key, value: record.value, headers };
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  try {
    const json = JSON.stringify(error) as string | undefined;
    return typeof error === 'string' ? error : (json ?? String(error));
  } catch {
    return String(error);
  }
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}
