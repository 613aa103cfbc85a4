/**
 * Failures of the parser itself, with a stable code and whether a retry can help. Storage,
 * chain and database errors pass through as their own AnchorpostError subclasses.
 */
import { AnchorpostError, errorKinds } from '@anchorpost/protocol';

export const ParserErrorCode = {
  /** An option is missing or invalid (the message names the key). */
  BadConfig: 'BAD_CONFIG',
  /** The batch-file does not match its anchor: root CID, Merkle root or sequence differ. */
  BatchMismatch: 'BATCH_MISMATCH',
  /** The batch-file is malformed (bad root or page block, duplicate entry, wrong count). */
  BatchInvalid: 'BATCH_INVALID',
  /** The storage cannot give the batch-file for good (NOT_FOUND, TOO_LARGE, CID_MISMATCH…). */
  BatchUnavailable: 'BATCH_UNAVAILABLE',
  /** Another batch with the same platform and sequence is already indexed. */
  BatchConflict: 'BATCH_CONFLICT',
  /** A tx-file named by a valid batch cannot be fetched or parsed (it is left out of the index). */
  TxFileInvalid: 'TX_FILE_INVALID',
  /**
   * Following a peer: the anchor was put on its contract by an account outside the peer's trust
   * roots (the verifier's UNTRUSTED_ANCHOR rule), so it is not the peer's.
   */
  UntrustedAnchor: 'UNTRUSTED_ANCHOR',
  /**
   * Following a peer: the peer's batch-file cannot be found on the IPFS network this platform's
   * storage joins (the read timed out, or the store has no such block), after the storage
   * retries: a private-mode peer, or a peer that has not published it yet. Retryable: the
   * peer's cursor stays before the anchor, and it is tried again with back-off.
   */
  PeerContentUnreachable: 'PEER_CONTENT_UNREACHABLE',
} as const;

export type ParserErrorCode = (typeof ParserErrorCode)[keyof typeof ParserErrorCode];

const KINDS = errorKinds<ParserErrorCode>(ParserErrorCode, {
  BAD_CONFIG: 'internal',
  BATCH_MISMATCH: 'invalid',
  BATCH_INVALID: 'invalid',
  BATCH_UNAVAILABLE: 'not-found',
  BATCH_CONFLICT: 'conflict',
  TX_FILE_INVALID: 'invalid',
  UNTRUSTED_ANCHOR: 'forbidden',
  PEER_CONTENT_UNREACHABLE: 'unavailable',
});

/** The one parser-level failure that waiting can cure: a peer's content coming within reach. */
const RETRYABLE: ReadonlySet<ParserErrorCode> = new Set([ParserErrorCode.PeerContentUnreachable]);

export class ParserError extends AnchorpostError<ParserErrorCode> {
  override readonly name = 'ParserError';

  constructor(code: ParserErrorCode, message: string, options?: { cause?: unknown }) {
    // Every other parser-level failure is about content that will not change by waiting.
    super(code, KINDS[code], message, RETRYABLE.has(code), options);
  }
}

export function isParserError(error: unknown, code?: ParserErrorCode): error is ParserError {
  return error instanceof ParserError && (code === undefined || error.code === code);
}
