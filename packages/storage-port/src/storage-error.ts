/**
 * Every failure a ContentStore reports is a StorageError: a stable machine code and whether
 * trying the same operation again can help — what a consumer needs to choose between retry and
 * dead-letter. Codes are part of the public contract: never renamed, only added.
 * Bad CID text is not a storage failure; it comes out as the protocol's ProtocolError BAD_CID.
 */
import { AnchorpostError, errorKinds } from '@anchorpost/protocol';
export const StorageErrorCode = {
  /** The store does not have the content and cannot get it (an offline node, an unknown CID). */
  NotFound: 'NOT_FOUND',
  /** The operation did not finish within its time limit (a networked node may still find it). */
  Timeout: 'TIMEOUT',
  /** The store cannot be reached or cannot do I/O right now (daemon down, connection refused). */
  Unavailable: 'UNAVAILABLE',
  /** The content is larger than the caller allowed (refused before reading past the limit). */
  TooLarge: 'TOO_LARGE',
  /** Bytes and content address disagree: a corrupt block, or an importer that is not Kubo-identical. */
  CidMismatch: 'CID_MISMATCH',
  /** The CID names something that is not a UnixFS file (e.g. a batch-file block). */
  NotAFile: 'NOT_A_FILE',
  /** The caller's signal aborted the operation. */
  Aborted: 'ABORTED',
  /** The store was closed; this handle cannot be used any more. */
  Closed: 'CLOSED',
  /** Start-up configuration is missing or invalid (the message names the key). */
  BadConfig: 'BAD_CONFIG',
  /** Anything the adapter could not classify; the message carries the backend's own words. */
  Internal: 'INTERNAL',
} as const;

export type StorageErrorCode = (typeof StorageErrorCode)[keyof typeof StorageErrorCode];

const KINDS = errorKinds<StorageErrorCode>(StorageErrorCode, {
  NOT_FOUND: 'not-found',
  TIMEOUT: 'unavailable',
  UNAVAILABLE: 'unavailable',
  TOO_LARGE: 'too-large',
  CID_MISMATCH: 'internal',
  NOT_A_FILE: 'invalid',
  ABORTED: 'unavailable',
  CLOSED: 'unavailable',
  BAD_CONFIG: 'internal',
  INTERNAL: 'internal',
});

const RETRYABLE: ReadonlySet<StorageErrorCode> = new Set<StorageErrorCode>([
  StorageErrorCode.Timeout,
  StorageErrorCode.Unavailable,
  StorageErrorCode.Aborted,
]);

export class StorageError extends AnchorpostError<StorageErrorCode> {
  override readonly name = 'StorageError';

  constructor(code: StorageErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, KINDS[code], message, RETRYABLE.has(code), options);
  }
}

export function isStorageError(error: unknown, code?: StorageErrorCode): error is StorageError {
  return error instanceof StorageError && (code === undefined || error.code === code);
}
