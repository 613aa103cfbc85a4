/**
 * One place that turns whatever the stack threw — Prisma client errors (P-codes), driver
 * adapter errors, pg errors (SQLSTATE) or Node socket errors — into a DbError.
 */
import { DbError } from '@anchorpost/db-port';
import type { DbErrorCode } from '@anchorpost/db-port';

const PRISMA_CODES: Readonly<Record<string, DbErrorCode>> = {
  P1000: 'ACCESS_DENIED',
  P1001: 'UNAVAILABLE',
  P1002: 'TIMEOUT',
  P1003: 'UNAVAILABLE',
  P1008: 'TIMEOUT',
  P1010: 'ACCESS_DENIED',
  P1011: 'UNAVAILABLE',
  P1017: 'UNAVAILABLE',
  P2000: 'INVALID_VALUE',
  P2002: 'UNIQUE_VIOLATION',
  P2003: 'FOREIGN_KEY_VIOLATION',
  P2005: 'INVALID_VALUE',
  P2006: 'INVALID_VALUE',
  P2007: 'INVALID_VALUE',
  P2011: 'INVALID_VALUE',
  P2012: 'INVALID_VALUE',
  P2019: 'INVALID_VALUE',
  P2020: 'INVALID_VALUE',
  P2021: 'SCHEMA_MISMATCH',
  P2022: 'SCHEMA_MISMATCH',
  P2023: 'INVALID_VALUE',
  P2024: 'TIMEOUT',
  P2025: 'NOT_FOUND',
  P2028: 'TIMEOUT',
  P2034: 'CONFLICT',
  P2037: 'UNAVAILABLE',
};

/** Driver adapter error kinds (`@prisma/driver-adapter-utils`). */
const ADAPTER_KINDS: Readonly<Record<string, DbErrorCode>> = {
  UniqueConstraintViolation: 'UNIQUE_VIOLATION',
  ForeignKeyConstraintViolation: 'FOREIGN_KEY_VIOLATION',
  NullConstraintViolation: 'INVALID_VALUE',
  RestrictViolation: 'FOREIGN_KEY_VIOLATION',
  ValueOutOfRange: 'INVALID_VALUE',
  InvalidInputValue: 'INVALID_VALUE',
  LengthMismatch: 'INVALID_VALUE',
  DatabaseNotReachable: 'UNAVAILABLE',
  DatabaseDoesNotExist: 'UNAVAILABLE',
  ConnectionClosed: 'UNAVAILABLE',
  TooManyConnections: 'UNAVAILABLE',
  TlsConnectionError: 'UNAVAILABLE',
  SocketTimeout: 'TIMEOUT',
  AuthenticationFailed: 'ACCESS_DENIED',
  DatabaseAccessDenied: 'ACCESS_DENIED',
  TransactionWriteConflict: 'CONFLICT',
  TransactionAlreadyClosed: 'TIMEOUT',
  TableDoesNotExist: 'SCHEMA_MISMATCH',
  ColumnNotFound: 'SCHEMA_MISMATCH',
};

const NODE_CODES: Readonly<Record<string, DbErrorCode>> = {
  ECONNREFUSED: 'UNAVAILABLE',
  ECONNRESET: 'UNAVAILABLE',
  EPIPE: 'UNAVAILABLE',
  ENOTFOUND: 'UNAVAILABLE',
  EAI_AGAIN: 'UNAVAILABLE',
  EHOSTUNREACH: 'UNAVAILABLE',
  ENETUNREACH: 'UNAVAILABLE',
  ETIMEDOUT: 'TIMEOUT',
};

/** PostgreSQL SQLSTATE, by exact code, then by class (first two characters). */
function fromSqlState(state: string): DbErrorCode | undefined {
  switch (state) {
    case '23505':
      return 'UNIQUE_VIOLATION';
    case '23503':
      return 'FOREIGN_KEY_VIOLATION';
    case '40001':
    case '40P01':
      return 'CONFLICT';
    case '57014':
    case '55P03':
      return 'TIMEOUT';
    case '57P01':
    case '57P02':
    case '57P03':
      return 'UNAVAILABLE';
    case '42P01':
    case '42703':
    case '42704':
      return 'SCHEMA_MISMATCH';
  }
  switch (state.slice(0, 2)) {
    case '08':
    case '53':
      return 'UNAVAILABLE';
    case '22':
    case '23':
      return 'INVALID_VALUE';
    case '28':
      return 'ACCESS_DENIED';
  }
  return undefined;
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

const TRANSIENT_MESSAGES = [
  /Can't reach database server/i,
  /Connection terminated/i,
  /connection timeout/i,
  /timeout exceeded when trying to connect/i,
  /Too many connections/i,
  /Client has encountered a connection error/i,
  /Connection is closed/i,
];

function classify(error: unknown, depth: number): DbErrorCode | undefined {
  if (depth > 6 || typeof error !== 'object' || error === null) return undefined;
  // Prisma client errors carry the driver adapter's error, which is more precise than the P-code.
  const adapterCause = field(field(field(error, 'meta'), 'driverAdapterError'), 'cause');
  const fromAdapter = classify(adapterCause, depth + 1);
  if (fromAdapter !== undefined) return fromAdapter;
  const code = text(field(error, 'code'));
  if (code !== undefined) {
    if (/^P\d{4}$/.test(code)) {
      const prisma = PRISMA_CODES[code];
      if (prisma !== undefined) return prisma;
    }
    const node = NODE_CODES[code];
    if (node !== undefined) return node;
    if (/^[0-9A-Z]{5}$/.test(code) && !code.startsWith('P')) {
      const state = fromSqlState(code);
      if (state !== undefined) return state;
    }
  }
  const kind = text(field(error, 'kind'));
  if (kind !== undefined) {
    const adapter = ADAPTER_KINDS[kind];
    if (adapter !== undefined) return adapter;
    const original = text(field(error, 'originalCode')) ?? text(field(error, 'code'));
    if (kind === 'postgres' && original !== undefined) {
      const state = fromSqlState(original);
      if (state !== undefined) return state;
    }
  }
  // AggregateError (a refused dual-stack connect) and wrapped causes.
  for (const inner of [field(error, 'cause'), ...((field(error, 'errors') as unknown[] | undefined) ?? [])]) {
    const found = classify(inner, depth + 1);
    if (found !== undefined) return found;
  }
  const message = text(field(error, 'message'));
  if (message !== undefined && TRANSIENT_MESSAGES.some((pattern) => pattern.test(message)))
    return 'UNAVAILABLE';
  if (field(error, 'name') === 'PrismaClientInitializationError') return 'UNAVAILABLE';
  return undefined;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    // Prisma's messages start with the invocation and end with the reason: keep the reason.
    const lines = error.message.split('\n').map((line) => line.trim());
    return lines
      .filter((line) => line !== '')
      .slice(-2)
      .join(' ')
      .slice(0, 1000);
  }
  return String(error);
}

/** Maps any error from a database call to a DbError (a DbError passes through unchanged). */
export function toDbError(error: unknown, context?: string): DbError {
  if (error instanceof DbError) return error;
  const code = classify(error, 0) ?? 'INTERNAL';
  const message = context === undefined ? describe(error) : `${context}: ${describe(error)}`;
  return new DbError(code, message, { cause: error });
}

/** Runs a database call and turns whatever it throws into a DbError naming the operation. */
export async function withDbErrors<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toDbError(error, operation);
  }
}
