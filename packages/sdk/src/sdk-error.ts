/**
 * The SDK's own failures (talking to Anchorpost's HTTP APIs): a stable code, whether trying again
 * can help, and the server's request id when it gave one. Verification failures stay ProofErrors
 * (their codes are the verifier's), so a caller tells "the proof is bad" from "the API is down".
 */
import { AnchorpostError, errorKinds } from '@anchorpost/protocol/portable';

export const SdkErrorCode = {
  /** The caller's input is malformed (a CID, a URL, an option). */
  InvalidInput: 'INVALID_INPUT',
  /** The API does not know it (404). */
  NotFound: 'NOT_FOUND',
  /** The tx-file is accepted but not yet sealed or anchored (202): ask again later. */
  Pending: 'PENDING',
  /** The API refused the request (4xx other than 404); `apiCode` holds its own code. */
  Refused: 'REFUSED',
  /** The API could not be reached, timed out or answered 5xx. */
  Unavailable: 'UNAVAILABLE',
  /** The API answered something that is not what its OpenAPI document says. */
  BadResponse: 'BAD_RESPONSE',
} as const;

export type SdkErrorCode = (typeof SdkErrorCode)[keyof typeof SdkErrorCode];

const KINDS = errorKinds<SdkErrorCode>(SdkErrorCode, {
  INVALID_INPUT: 'invalid',
  NOT_FOUND: 'not-found',
  PENDING: 'unavailable',
  REFUSED: 'forbidden',
  UNAVAILABLE: 'unavailable',
  BAD_RESPONSE: 'internal',
});

const RETRYABLE: ReadonlySet<SdkErrorCode> = new Set([SdkErrorCode.Pending, SdkErrorCode.Unavailable]);

export class SdkError extends AnchorpostError<SdkErrorCode> {
  override readonly name: string = 'SdkError';
  /** The API's own error code (`error.code` of its answer), when it sent one. */
  readonly apiCode: string | undefined;
  /** The API's request id, to quote to its operator. */
  readonly requestId: string | undefined;

  constructor(
    code: SdkErrorCode,
    message: string,
    options?: {
      cause?: unknown;
      apiCode?: string | undefined;
      requestId?: string | undefined;
      retryable?: boolean;
    },
  ) {
    super(code, KINDS[code], message, options?.retryable ?? RETRYABLE.has(code), options);
    this.apiCode = options?.apiCode;
    this.requestId = options?.requestId;
  }
}

export function isSdkError(value: unknown): value is SdkError {
  return value instanceof SdkError;
}
