/**
 * One table from error kinds to HTTP and gRPC statuses, for every transport of every service
 * (docs/api.md). Each package declares the kind of each of its codes beside the code (see
 * `errorKinds` in @anchorpost/protocol), so a new code cannot fall through to a wrong status.
 * Errors keep their stable code; the status only tells a client which family of failure it met.
 * A thrown error that is no AnchorpostError is a bug: 500. Neither it nor an error of kind
 * `internal` or `unavailable` shows its own message: those come from dependencies (database, Kubo,
 * drivers) and may carry hosts, queries or credentials, so callers get a fixed sentence and the
 * request id, and the transports log the full text (redacted) under that id. Other messages are
 * cut to MAX_MESSAGE_CHARS, so no refusal echoes a huge input back.
 */
import { AnchorpostError, type ErrorKind, ProtocolError } from '@anchorpost/protocol';

/** gRPC status codes (grpc/status.proto), so this package needs no gRPC dependency. */
export const GrpcStatus = {
  InvalidArgument: 3,
  NotFound: 5,
  AlreadyExists: 6,
  PermissionDenied: 7,
  ResourceExhausted: 8,
  Internal: 13,
  Unavailable: 14,
  Unauthenticated: 16,
} as const;

/** [HTTP status, gRPC status] per kind. */
const STATUS: Readonly<Record<ErrorKind, readonly [number, number]>> = {
  invalid: [400, GrpcStatus.InvalidArgument],
  'too-large': [413, GrpcStatus.ResourceExhausted],
  unsupported: [415, GrpcStatus.InvalidArgument],
  unauthenticated: [401, GrpcStatus.Unauthenticated],
  forbidden: [403, GrpcStatus.PermissionDenied],
  'not-found': [404, GrpcStatus.NotFound],
  conflict: [409, GrpcStatus.AlreadyExists],
  exhausted: [429, GrpcStatus.ResourceExhausted],
  unavailable: [503, GrpcStatus.Unavailable],
  internal: [500, GrpcStatus.Internal],
};

export interface ErrorBody {
  error: { code: string; field?: string; message: string; retryable: boolean; requestId?: string };
}

export interface ErrorResponse {
  httpStatus: number;
  grpcStatus: number;
  body: ErrorBody;
  /**
   * For a refusal that passes by waiting (a quota): how long, from the error's `retryAfterMs`.
   * HTTP sends it as `Retry-After` (whole seconds, rounded up), gRPC as a trailer.
   */
  retryAfterMs?: number;
}

/** Longest message a caller is shown; a longer one is cut (it may quote the caller's input). */
export const MAX_MESSAGE_CHARS = 500;

/** What a caller reads instead of a dependency's own words. */
export const GENERIC_MESSAGES = {
  internal: 'internal error',
  unavailable: 'a service this request needs is unavailable; retry later',
} as const;

export function errorResponse(error: unknown): ErrorResponse {
  if (!(error instanceof AnchorpostError)) return internal();
  const known = error as AnchorpostError;
  const field = known instanceof ProtocolError ? known.field : (known as { field?: unknown }).field;
  const [httpStatus, grpcStatus] = statusesFor(known);
  const body: ErrorBody = {
    error: {
      code: known.code,
      ...(typeof field === 'string' ? { field: shortened(field) } : {}),
      message: callerMessage(known, httpStatus),
      retryable: known.retryable,
    },
  };
  const retryAfterMs = (known as { retryAfterMs?: unknown }).retryAfterMs;
  return {
    httpStatus,
    grpcStatus,
    body,
    ...(typeof retryAfterMs === 'number' && retryAfterMs >= 0
      ? { retryAfterMs: Math.ceil(retryAfterMs) }
      : {}),
  };
}

/** True when the error's own text stays in the log: the caller was given a generic message. */
export function isHiddenFromCaller(response: ErrorResponse): boolean {
  return response.httpStatus >= 500;
}

function callerMessage(error: AnchorpostError, httpStatus: number): string {
  if (httpStatus === 503) return GENERIC_MESSAGES.unavailable;
  if (httpStatus >= 500) return GENERIC_MESSAGES.internal;
  return shortened(error.message);
}

function shortened(text: string): string {
  return text.length <= MAX_MESSAGE_CHARS ? text : `${text.slice(0, MAX_MESSAGE_CHARS - 1)}…`;
}

function internal(): ErrorResponse {
  return {
    httpStatus: 500,
    grpcStatus: GrpcStatus.Internal,
    body: { error: { code: 'INTERNAL', message: GENERIC_MESSAGES.internal, retryable: false } },
  };
}

function statusesFor(error: AnchorpostError): readonly [number, number] {
  // A failure that may pass by waiting is never answered as a bug of ours.
  if (error.kind === 'internal' && error.retryable) return STATUS.unavailable;
  return STATUS[error.kind];
}

type RequestErrorCode = 'BAD_REQUEST' | 'UNSUPPORTED_MEDIA_TYPE' | 'NOT_FOUND' | 'TOO_LARGE';

const REQUEST_ERROR_KINDS: Readonly<Record<RequestErrorCode, ErrorKind>> = {
  BAD_REQUEST: 'invalid',
  UNSUPPORTED_MEDIA_TYPE: 'unsupported',
  NOT_FOUND: 'not-found',
  TOO_LARGE: 'too-large',
};

/** An input refusal raised by a transport itself (a bad path parameter, a wrong content type). */
export class RequestError extends AnchorpostError<RequestErrorCode> {
  override readonly name = 'RequestError';
  readonly field: string | undefined;
  constructor(code: RequestErrorCode, message: string, field?: string) {
    super(code, REQUEST_ERROR_KINDS[code], message, false);
    this.field = field;
  }
}
