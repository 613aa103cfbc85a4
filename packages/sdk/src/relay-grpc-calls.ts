/**
 * What the SDK's gRPC calls to a relay share: the methods, loaded once from the contract
 * (`RELAY_CONTRACT` of `@anchorpost/proto`, with the relay's own loader options); a refused call as an SdkError (the
 * relay's code, field and retryable flag come in trailers); and a receipt as it was signed. Node
 * only: grpc-js and the contract's loader are loaded on the first call.
 */
import type { ServiceError } from '@grpc/grpc-js';
import type { MethodDefinition, ServiceDefinition } from '@grpc/proto-loader';
import type { RelayReceipt } from './receipts.ts';
import { SdkError, SdkErrorCode } from './sdk-error.ts';

export type Grpc = typeof import('@grpc/grpc-js');
export type RelayMethod = MethodDefinition<object, object>;

/** A receipt as the loader decodes it. */
export interface ReceiptMessage {
  version: number;
  cid: string;
  recipientHash: string;
  acceptedAt: string;
  /** uint64 as decimal text (the loader's `longs: String`), so nothing is rounded. */
  sequence: string;
  relayKeyId: string;
  signature: string;
}

let service: ServiceDefinition | undefined;

/** The relay service's method `name` (`SubmitTxFile`, `Subscribe`). */
export async function relayMethod(name: 'SubmitTxFile' | 'Subscribe'): Promise<RelayMethod> {
  if (service === undefined) {
    const { loadContract, RELAY_CONTRACT } = await import('@anchorpost/proto');
    service = loadContract(RELAY_CONTRACT)[RELAY_CONTRACT.serviceName] as ServiceDefinition;
  }
  const method = service[name];
  if (method === undefined) throw new Error(`the relay's contract has no ${name}`);
  return method;
}

/** A trailer's text value, or undefined. */
export function trailer(error: ServiceError, name: string): string | undefined {
  const [value] = error.metadata.get(name);
  return typeof value === 'string' ? value : undefined;
}

/**
 * A refused call as an SdkError: UNAVAILABLE (retryable) for a status in `passing` or a trailer
 * saying `retryable`, NOT_FOUND for NOT_FOUND, REFUSED otherwise, with the relay's own code
 * (`apiCode`: `NOT_ENTITLED`, `UNAUTHENTICATED`, …), field and request id.
 */
export function callError(
  { status }: Grpc,
  error: ServiceError,
  what: string,
  passing: readonly number[] = [status.UNAVAILABLE, status.DEADLINE_EXCEEDED, status.RESOURCE_EXHAUSTED],
): SdkError {
  const apiCode = trailer(error, 'anchorpost-error-code');
  const retryable = trailer(error, 'anchorpost-error-retryable') === 'true' || passing.includes(error.code);
  const options = {
    cause: error,
    apiCode,
    field: trailer(error, 'anchorpost-error-field'),
    requestId: trailer(error, 'x-request-id'),
  };
  const message = `${what}: ${status[error.code]}${apiCode === undefined ? '' : ` ${apiCode}`}: ${error.details}`;
  if (retryable) return new SdkError(SdkErrorCode.Unavailable, message, options);
  return new SdkError(
    error.code === status.NOT_FOUND ? SdkErrorCode.NotFound : SdkErrorCode.Refused,
    message,
    options,
  );
}

/**
 * The receipt as the relay signed it: the signed form has `sequence` as a number, the wire
 * carries it as decimal text (exact below 2^53: a relay's acceptance count).
 */
export function signedReceipt(message: ReceiptMessage): RelayReceipt {
  return { ...message, version: message.version as 1, sequence: Number(message.sequence) };
}
