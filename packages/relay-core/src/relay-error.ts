/**
 * What the relay itself refuses, with a stable code and whether a retry can help. Failures of the
 * protocol (parse, signature), the bus, storage and the database pass through with their own codes.
 * Codes are part of the public contract (transports map them): never renamed, only added.
 */
import { AnchorpostError, errorKinds } from '@anchorpost/protocol';

export const RelayErrorCode = {
  /** The tx-file is larger than the relay accepts (checked before parsing). */
  TooLarge: 'TOO_LARGE',
  /**
   * The caller's API key is missing, unknown, revoked, expired or lacks the scope, or names
   * another tenant than the request, or the tx-file's client is not the tenant's: one answer
   * with one message for all of them, so that a stranger learns nothing.
   */
  Unauthenticated: 'UNAUTHENTICATED',
  /**
   * An authenticated tenant asked to subscribe to a recipient hash it is not entitled to (it has
   * not sent to it, and the operator has not registered it for the tenant). One message whether
   * or not the recipient has ever had a file, so it tells nothing about other tenants' traffic.
   */
  NotEntitled: 'NOT_ENTITLED',
  /** An operator named a tenant that does not exist (admin calls only). */
  TenantNotFound: 'TENANT_NOT_FOUND',
  /** An operator named a peer platform that is not one (admin calls only). */
  PeerNotFound: 'PEER_NOT_FOUND',
  /** The tenant is not registered with this relay (the tenants file; callers with API keys get UNAUTHENTICATED). */
  UnknownTenant: 'UNKNOWN_TENANT',
  /** The tx-file's `client.id` is none of the tenant's registered client keys. */
  UnknownClient: 'UNKNOWN_CLIENT',
  /** A recipient hash that is not 128 lower-case hex characters. */
  BadRecipient: 'BAD_RECIPIENT',
  /** A delivery cursor that is malformed, for another partition, or past the end of the log. */
  BadCursor: 'BAD_CURSOR',
  /** A call argument out of range (e.g. a page limit). */
  BadArgument: 'BAD_ARGUMENT',
  /** An option or the tenant registry is invalid (the message names the key). */
  BadConfig: 'BAD_CONFIG',
  /**
   * Another tx-file already holds this one's place in its client's state chain within the group
   * (same recipient hash, `client.id` and `state.before`): accepting it would fork the chain.
   * The same bytes again are no fork (the same receipt comes back).
   */
  StateFork: 'STATE_FORK',
  /** Storage returned another CID than the relay computed: a bug, never the client's fault. */
  CidMismatch: 'CID_MISMATCH',
  /** The caller's signal aborted the call. */
  Aborted: 'ABORTED',
  /**
   * With an Ergo node configured: the tx-file's `lastblock` or `trustedblock` names a block id
   * that is not the best chain's block at that height (a made-up or orphaned block). The field
   * says which (`blockchain.trustedblock.signature`).
   */
  BlockNotOnChain: 'BLOCK_NOT_ON_CHAIN',
  /**
   * A block the tx-file names is above the relay's chain tip. Retryable: the relay's node may
   * trail the sender's by a block or two.
   */
  BlockAboveTip: 'BLOCK_ABOVE_TIP',
  /** The `trustedblock` is more blocks below the tip than the relay's window allows. */
  TrustedblockTooOld: 'TRUSTEDBLOCK_TOO_OLD',
  /**
   * The relay's Ergo node cannot be asked now (down, timing out, answering nonsense, or too many
   * lookups waiting): the file is refused unchecked, never accepted; retrying can help.
   */
  ErgoNodeUnavailable: 'ERGO_NODE_UNAVAILABLE',
  /** The tenant sends more files per second than its plan allows; retry after `retryAfterMs`. */
  RateLimited: 'RATE_LIMITED',
  /** The tenant's bytes for this UTC day are used up; retry after `retryAfterMs` (the next day). */
  DailyBytesExhausted: 'DAILY_BYTES_EXHAUSTED',
  /**
   * As many subscription streams are open as allowed: the tenant's plan (across replicas) or the
   * relay process's limit. Retryable: once one closes, or at another replica.
   */
  TooManyStreams: 'TOO_MANY_STREAMS',
  /**
   * A subscriber did not read what the relay wrote within the drain timeout: its stream is
   * dropped and it resumes from its last cursor. Retryable.
   */
  SubscriberTooSlow: 'SUBSCRIBER_TOO_SLOW',
  /**
   * The relay's queue of files waiting to be stored and published is full (its bound in files or
   * bytes): the file is refused before anything is done with it. Retry after `retryAfterMs`.
   */
  IngestQueueFull: 'INGEST_QUEUE_FULL',
  /**
   * With registered client keys required: the tx-file's client key is no identity's current key
   * in the key registry (never published, rotated away or revoked).
   */
  KeyNotRegistered: 'KEY_NOT_REGISTERED',
  /**
   * With registered client keys required: the key registry's chain cannot be asked now; the file
   * is refused unchecked, never accepted. Retrying can help.
   */
  KeyRegistryUnavailable: 'KEY_REGISTRY_UNAVAILABLE',
  /** A key file to store that is not one public key file (JSON, the protocol's `parsePublicKeyFile`). */
  BadKeyFile: 'BAD_KEY_FILE',
  /** No key file stored under that CID (the relay serves key files only, not other content). */
  KeyFileNotFound: 'KEY_FILE_NOT_FOUND',
} as const;

export type RelayErrorCode = (typeof RelayErrorCode)[keyof typeof RelayErrorCode];

const KINDS = errorKinds<RelayErrorCode>(RelayErrorCode, {
  TOO_LARGE: 'too-large',
  UNAUTHENTICATED: 'unauthenticated',
  NOT_ENTITLED: 'forbidden',
  TENANT_NOT_FOUND: 'not-found',
  PEER_NOT_FOUND: 'not-found',
  UNKNOWN_TENANT: 'forbidden',
  UNKNOWN_CLIENT: 'forbidden',
  BAD_RECIPIENT: 'invalid',
  BAD_CURSOR: 'invalid',
  BAD_ARGUMENT: 'invalid',
  BAD_CONFIG: 'internal',
  STATE_FORK: 'conflict',
  CID_MISMATCH: 'internal',
  ABORTED: 'unavailable',
  BLOCK_NOT_ON_CHAIN: 'invalid',
  // Invalid here, though retryable: the file names a block this relay's node does not have yet.
  BLOCK_ABOVE_TIP: 'invalid',
  TRUSTEDBLOCK_TOO_OLD: 'invalid',
  ERGO_NODE_UNAVAILABLE: 'unavailable',
  RATE_LIMITED: 'exhausted',
  DAILY_BYTES_EXHAUSTED: 'exhausted',
  TOO_MANY_STREAMS: 'exhausted',
  SUBSCRIBER_TOO_SLOW: 'exhausted',
  INGEST_QUEUE_FULL: 'exhausted',
  KEY_NOT_REGISTERED: 'forbidden',
  KEY_REGISTRY_UNAVAILABLE: 'unavailable',
  BAD_KEY_FILE: 'invalid',
  KEY_FILE_NOT_FOUND: 'not-found',
});

const RETRYABLE: ReadonlySet<RelayErrorCode> = new Set<RelayErrorCode>([
  RelayErrorCode.Aborted,
  RelayErrorCode.BlockAboveTip,
  RelayErrorCode.ErgoNodeUnavailable,
  RelayErrorCode.RateLimited,
  RelayErrorCode.DailyBytesExhausted,
  RelayErrorCode.TooManyStreams,
  RelayErrorCode.SubscriberTooSlow,
  RelayErrorCode.IngestQueueFull,
  RelayErrorCode.KeyRegistryUnavailable,
]);

export class RelayError extends AnchorpostError<RelayErrorCode> {
  override readonly name = 'RelayError';
  /** The tx-file field at fault (dotted path), when one is. */
  readonly field?: string;
  /** For a quota refusal: how long until a retry can pass (HTTP Retry-After, a gRPC trailer). */
  readonly retryAfterMs?: number;

  constructor(
    code: RelayErrorCode,
    message: string,
    options?: { cause?: unknown; field?: string; retryAfterMs?: number },
  ) {
    super(code, KINDS[code], message, RETRYABLE.has(code), options);
    if (options?.field !== undefined) this.field = options.field;
    if (options?.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

export function isRelayError(error: unknown, code?: RelayErrorCode): error is RelayError {
  return error instanceof RelayError && (code === undefined || error.code === code);
}
