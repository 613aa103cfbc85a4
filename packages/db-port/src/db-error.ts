/**
 * Why a database call failed, in words a caller can act on: `retryable` says whether the same
 * call may succeed later (the database was down, a transaction lost a race), so a Kafka consumer
 * can choose between retry and dead-letter without parsing messages.
 */
import { AnchorpostError, type ErrorKind } from '@anchorpost/protocol';
export type DbErrorCode =
  /** A row with the same key exists (primary key or unique index). */
  | 'UNIQUE_VIOLATION'
  /** A row refers to one that does not exist (e.g. an anchor for an unknown batch). */
  | 'FOREIGN_KEY_VIOLATION'
  /** A value the database refuses: NULL where required, out of range, invalid text. */
  | 'INVALID_VALUE'
  /** A cursor or argument that this package refuses before asking the database. */
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  /** The database cannot be reached or dropped the connection. */
  | 'UNAVAILABLE'
  /** A connection, lock or transaction did not finish in time. */
  | 'TIMEOUT'
  /** Serialization failure or deadlock: the transaction can simply be run again. */
  | 'CONFLICT'
  /** A migration failed, or an earlier one is recorded as failed; an operator must look. */
  | 'MIGRATION_FAILED'
  /** Wrong credentials or no permission: retrying will not help. */
  | 'ACCESS_DENIED'
  /** The schema is missing or older than this code (migrations not applied). */
  | 'SCHEMA_MISMATCH'
  | 'INTERNAL';

const KINDS: Readonly<Record<DbErrorCode, ErrorKind>> = {
  UNIQUE_VIOLATION: 'conflict',
  FOREIGN_KEY_VIOLATION: 'internal',
  INVALID_VALUE: 'internal',
  INVALID_ARGUMENT: 'invalid',
  NOT_FOUND: 'not-found',
  UNAVAILABLE: 'unavailable',
  TIMEOUT: 'unavailable',
  // A lost transaction race: ours to run again, no conflict with anything the caller sent.
  CONFLICT: 'unavailable',
  MIGRATION_FAILED: 'internal',
  ACCESS_DENIED: 'internal',
  SCHEMA_MISMATCH: 'internal',
  INTERNAL: 'internal',
};

const RETRYABLE: ReadonlySet<DbErrorCode> = new Set(['UNAVAILABLE', 'TIMEOUT', 'CONFLICT']);

export class DbError extends AnchorpostError<DbErrorCode> {
  override readonly name = 'DbError';

  constructor(code: DbErrorCode, message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(code, KINDS[code], message, options?.retryable ?? RETRYABLE.has(code), options);
  }
}

export function isDbError(value: unknown): value is DbError {
  return value instanceof DbError;
}
