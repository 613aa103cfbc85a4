/**
 * A thrown error as a gRPC status: the status from the shared table (`errorResponse`), its caller
 * message as details (generic for internal and unavailable failures), and code, field, retryable
 * flag and the call's request id in trailers (docs/api.md).
 */
import { Metadata, status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { currentRequestId, errorResponse, isHiddenFromCaller } from '@anchorpost/service-kit';
import type { ErrorBody } from '@anchorpost/service-kit';

export const ERROR_CODE_TRAILER = 'anchorpost-error-code';
export const ERROR_FIELD_TRAILER = 'anchorpost-error-field';
export const ERROR_RETRYABLE_TRAILER = 'anchorpost-error-retryable';
/** Milliseconds until a retry can pass, on quota refusals (RESOURCE_EXHAUSTED). */
export const ERROR_RETRY_AFTER_TRAILER = 'anchorpost-error-retry-after-ms';
/** The same id and name as HTTP's header: the call's id in the relay's logs. */
export const REQUEST_ID_TRAILER = 'x-request-id';

export type GrpcStatusObject = Pick<ServiceError, 'code' | 'details' | 'metadata'> & { message: string };

export function errorTrailers(body: ErrorBody): Metadata {
  const trailers = new Metadata();
  trailers.set(ERROR_CODE_TRAILER, body.error.code);
  if (body.error.field !== undefined) trailers.set(ERROR_FIELD_TRAILER, body.error.field);
  trailers.set(ERROR_RETRYABLE_TRAILER, String(body.error.retryable));
  const requestId = currentRequestId();
  if (requestId !== undefined) trailers.set(REQUEST_ID_TRAILER, requestId);
  return trailers;
}

/** service-kit's numeric status (it has no gRPC dependency) as grpc-js's enum. */
function toStatus(code: number): status {
  const known = Object.values(status).find((value): value is status => Number(value) === code);
  return known ?? status.INTERNAL;
}

/** The trailers of a call that succeeded: its request id. */
export function okTrailers(): Metadata {
  const trailers = new Metadata();
  const requestId = currentRequestId();
  if (requestId !== undefined) trailers.set(REQUEST_ID_TRAILER, requestId);
  return trailers;
}

export function grpcError(error: unknown): GrpcStatusObject & { hidden: boolean } {
  const response = errorResponse(error);
  const { grpcStatus, body, retryAfterMs } = response;
  const metadata = errorTrailers(body);
  if (retryAfterMs !== undefined) metadata.set(ERROR_RETRY_AFTER_TRAILER, String(retryAfterMs));
  return {
    hidden: isHiddenFromCaller(response),
    code: toStatus(grpcStatus),
    details: body.error.message,
    message: body.error.message,
    metadata,
  };
}

/** A status built by the transport itself (e.g. shutting down), with the same trailers. */
export function transportError(
  code: status,
  errorCode: string,
  message: string,
  retryable: boolean,
): GrpcStatusObject {
  return {
    code,
    details: message,
    message,
    metadata: errorTrailers({ error: { code: errorCode, message, retryable } }),
  };
}
