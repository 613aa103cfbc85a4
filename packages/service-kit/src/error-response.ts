/**
 * One table from error codes to HTTP and gRPC statuses, for every transport of every service
 * (docs/api.md). Errors keep their stable code; the status only tells a client which family of
 * failure it met. A thrown error that is no AnchorpostError is a bug: 500, and its message is not
 * shown (it may carry internals).
 */
import { AnchorpostError, ProtocolError } from '@anchorpost/protocol';

/** gRPC status codes (grpc/status.proto), so this package needs no gRPC dependency. */
export const GrpcStatus = {
  InvalidArgument: 3,
  NotFound: 5,
  AlreadyExists: 6,
  PermissionDenied: 7,
  ResourceExhausted: 8,
  Internal: 13,
  Unavailable: 14,
} as const;

export interface ErrorBody {
  error: { code: string; field?: string; message: string; retryable: boolean };
}

export interface ErrorResponse {
  httpStatus: number;
  grpcStatus: number;
  body: ErrorBody;
}

const FORBIDDEN = new Set(['UNKNOWN_TENANT', 'UNKNOWN_CLIENT']);
const NOT_FOUND = new Set(['NOT_FOUND']);
/** The caller's input conflicts with what is already accepted (a fork of a state chain). */
const CONFLICT = new Set(['STATE_FORK']);
const TOO_LARGE = new Set(['TOO_LARGE', 'FST_ERR_CTP_BODY_TOO_LARGE']);
/**
 * Refusals of the caller's input that are not ProtocolErrors (BLOCK_ABOVE_TIP too: the file names
 * a block the server's chain does not have; its retryable flag says a later try may pass).
 */
const BAD_INPUT = new Set([
  'BLOCK_NOT_ON_CHAIN',
  'BLOCK_ABOVE_TIP',
  'TRUSTEDBLOCK_TOO_OLD',
  'BAD_RECIPIENT',
  'BAD_CURSOR',
  'BAD_ARGUMENT',
  'BAD_REQUEST',
  'BAD_CID',
  'UNSUPPORTED_MEDIA_TYPE',
]);

export function errorResponse(error: unknown): ErrorResponse {
  if (!(error instanceof AnchorpostError)) return internal();
  const known = error as AnchorpostError;
  const field = known instanceof ProtocolError ? known.field : (known as { field?: unknown }).field;
  const body: ErrorBody = {
    error: {
      code: known.code,
      ...(typeof field === 'string' ? { field } : {}),
      message: known.message,
      retryable: known.retryable,
    },
  };
  const [httpStatus, grpcStatus] = statusesFor(known);
  return { httpStatus, grpcStatus, body };
}

function internal(): ErrorResponse {
  return {
    httpStatus: 500,
    grpcStatus: GrpcStatus.Internal,
    body: { error: { code: 'INTERNAL', message: 'internal error', retryable: false } },
  };
}

function statusesFor(error: AnchorpostError): [number, number] {
  const { code } = error;
  if (TOO_LARGE.has(code)) return [413, GrpcStatus.ResourceExhausted];
  if (code === 'UNSUPPORTED_MEDIA_TYPE') return [415, GrpcStatus.InvalidArgument];
  if (FORBIDDEN.has(code)) return [403, GrpcStatus.PermissionDenied];
  if (NOT_FOUND.has(code)) return [404, GrpcStatus.NotFound];
  if (CONFLICT.has(code)) return [409, GrpcStatus.AlreadyExists];
  if (error instanceof ProtocolError || BAD_INPUT.has(code)) return [400, GrpcStatus.InvalidArgument];
  if (error.retryable) return [503, GrpcStatus.Unavailable];
  return [500, GrpcStatus.Internal];
}

/** An input refusal raised by a transport itself (a bad path parameter, a wrong content type). */
export class RequestError extends AnchorpostError<
  'BAD_REQUEST' | 'UNSUPPORTED_MEDIA_TYPE' | 'NOT_FOUND' | 'TOO_LARGE'
> {
  override readonly name = 'RequestError';
  readonly field: string | undefined;
  constructor(
    code: 'BAD_REQUEST' | 'UNSUPPORTED_MEDIA_TYPE' | 'NOT_FOUND' | 'TOO_LARGE',
    message: string,
    field?: string,
  ) {
    super(code, message, false);
    this.field = field;
  }
}
