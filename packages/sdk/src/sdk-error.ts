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
  /** A relay answered a receipt, or bytes, for another CID than the file's. */
  CidMismatch: 'CID_MISMATCH',
  /** A receipt whose signature is not the relay key's (the file may still have been accepted). */
  BadReceiptSignature: 'BAD_RECEIPT_SIGNATURE',
  /** The registry has no key for the identity. */
  NoKeyRegistered: 'NO_KEY_REGISTERED',
  /** The identity revoked its key and has none now. */
  KeyRevoked: 'KEY_REVOKED',
  /** The expected key was replaced without a rotation it signed (revoked and registered again). */
  KeyChangedUnsigned: 'KEY_CHANGED_UNSIGNED',
  /** The identity never published the expected key. */
  ExpectedKeyUnknown: 'EXPECTED_KEY_UNKNOWN',
  /** A tx-file that should be a voting has no voting section. */
  NotAVoting: 'NOT_A_VOTING',
  /** A vote for a title the voting does not offer (refused before it is sent). */
  UnknownOption: 'UNKNOWN_OPTION',
  /** The voting file has no verified anchor yet, so its deadline chain is unknown. */
  VotingNotAnchored: 'VOTING_NOT_ANCHORED',
  /** The proof API answered a proof of another tx-file. */
  WrongProof: 'WRONG_PROOF',
  /** The voting's deadline block is not passed yet on its deadline chain. */
  VotingOpen: 'VOTING_OPEN',
  /** A group file with no verified anchor on the chain the deadline is counted on. */
  NotOnDeadlineChain: 'NOT_ON_DEADLINE_CHAIN',
  /** Publishing a key for an identity that has one (rotate it instead). */
  KeyAlreadyRegistered: 'KEY_ALREADY_REGISTERED',
  /** A rotation or revoke naming a key that is not the identity's current one. */
  NotCurrentKey: 'NOT_CURRENT_KEY',
  /** The sponsor mined the call, and the called contract refused it (the sponsor paid its gas). */
  SponsoredCallReverted: 'SPONSORED_CALL_REVERTED',
  /** The sponsor could not send the sponsorship. */
  SponsorshipFailed: 'SPONSORSHIP_FAILED',
  /** The sponsorship's deadline passed before it was sent. */
  SponsorshipExpired: 'SPONSORSHIP_EXPIRED',
  /** The sponsorship is still on its way when the wait ends: ask again by its digest. */
  WaitTimeout: 'WAIT_TIMEOUT',
  /** The key file a registry entry names (by CID) is not the key its fingerprint names. */
  KeyFileMismatch: 'KEY_FILE_MISMATCH',
} as const;

export type SdkErrorCode = (typeof SdkErrorCode)[keyof typeof SdkErrorCode];

const KINDS = errorKinds<SdkErrorCode>(SdkErrorCode, {
  INVALID_INPUT: 'invalid',
  NOT_FOUND: 'not-found',
  PENDING: 'unavailable',
  REFUSED: 'forbidden',
  UNAVAILABLE: 'unavailable',
  BAD_RESPONSE: 'internal',
  CID_MISMATCH: 'internal',
  BAD_RECEIPT_SIGNATURE: 'unauthenticated',
  NO_KEY_REGISTERED: 'not-found',
  KEY_REVOKED: 'not-found',
  KEY_CHANGED_UNSIGNED: 'conflict',
  EXPECTED_KEY_UNKNOWN: 'conflict',
  NOT_A_VOTING: 'invalid',
  UNKNOWN_OPTION: 'invalid',
  VOTING_NOT_ANCHORED: 'unavailable',
  WRONG_PROOF: 'internal',
  VOTING_OPEN: 'conflict',
  NOT_ON_DEADLINE_CHAIN: 'invalid',
  KEY_ALREADY_REGISTERED: 'conflict',
  NOT_CURRENT_KEY: 'conflict',
  SPONSORED_CALL_REVERTED: 'conflict',
  SPONSORSHIP_FAILED: 'unavailable',
  SPONSORSHIP_EXPIRED: 'unavailable',
  WAIT_TIMEOUT: 'unavailable',
  KEY_FILE_MISMATCH: 'conflict',
});

const RETRYABLE: ReadonlySet<SdkErrorCode> = new Set([
  SdkErrorCode.Pending,
  SdkErrorCode.Unavailable,
  SdkErrorCode.VotingNotAnchored,
  SdkErrorCode.VotingOpen,
  SdkErrorCode.WaitTimeout,
]);

export class SdkError extends AnchorpostError<SdkErrorCode> {
  override readonly name: string = 'SdkError';
  /** The API's own error code (`error.code` of its answer), when it sent one. */
  readonly apiCode: string | undefined;
  /** The API's request id, to quote to its operator. */
  readonly requestId: string | undefined;
  /** The field at fault: the API's own `error.field`, or the input's (`receipt.cid`, an address). */
  readonly field: string;

  constructor(
    code: SdkErrorCode,
    message: string,
    options?: {
      cause?: unknown;
      apiCode?: string | undefined;
      requestId?: string | undefined;
      field?: string | undefined;
      retryable?: boolean;
    },
  ) {
    super(code, KINDS[code], message, options?.retryable ?? RETRYABLE.has(code), options);
    this.apiCode = options?.apiCode;
    this.requestId = options?.requestId;
    this.field = options?.field ?? '-';
  }
}

export function isSdkError(value: unknown): value is SdkError {
  return value instanceof SdkError;
}
