/**
 * Why the batcher refused an `anchorpost.tx-file.accepted.v1` record. Refused records are left out
 * of the batch, covered by its offsets all the same, and published to the topic's dead-letter topic
 * with the reason as `anchorpost-dlq-error-code` (ADR 0016). Codes are part of the public contract:
 * never renamed, only added.
 */
import { AnchorpostError, errorKinds } from '@anchorpost/protocol';

export const RecordRefusalReason = {
  /** The record is not a `tx-file.accepted` event, or its CID is not a tx-file's (raw or dag-pb). */
  Undecodable: 'UNDECODABLE',
  /** The tx-file bytes it carries do not hash to the CID it names (altered after the receipt). */
  CidMismatch: 'CID_MISMATCH',
  /** The receipt names a relay key (`relayKeyId`) the batcher is not configured to trust. */
  UnknownRelayKey: 'UNKNOWN_RELAY_KEY',
  /** The receipt names a trusted relay key, but its signature does not verify with it. */
  BadReceiptSignature: 'BAD_RECEIPT_SIGNATURE',
  /** Storage did not answer in time for this tx-file (check, re-add or pin), while it answered otherwise. */
  StorageTimeout: 'STORAGE_TIMEOUT',
  /** Storage refused to keep this tx-file (e.g. a block that cannot be stored), while it answered otherwise. */
  StorageFailed: 'STORAGE_FAILED',
} as const;

export type RecordRefusalReason = (typeof RecordRefusalReason)[keyof typeof RecordRefusalReason];

const KINDS = errorKinds<RecordRefusalReason>(RecordRefusalReason, {
  UNDECODABLE: 'invalid',
  CID_MISMATCH: 'invalid',
  UNKNOWN_RELAY_KEY: 'forbidden',
  BAD_RECEIPT_SIGNATURE: 'invalid',
  STORAGE_TIMEOUT: 'unavailable',
  STORAGE_FAILED: 'internal',
});

/** One refused record: where it is on the bus, why, and what it claimed (never its bytes). */
export interface RecordRefusal {
  readonly reason: RecordRefusalReason;
  readonly partition: number;
  readonly offset: number;
  /** The CID the record names, when it decoded. */
  readonly cid?: string;
  /** The relay key its receipt names, when it decoded. */
  readonly relayKeyId?: string;
  /** One line for people (at most a few hundred characters). */
  readonly detail: string;
}

/** The error a dead letter carries: `code` is the reason; never retried (the same bytes fail again). */
export class RecordRefusedError extends AnchorpostError<RecordRefusalReason> {
  override readonly name = 'RecordRefused';

  constructor(refusal: RecordRefusal) {
    super(refusal.reason, KINDS[refusal.reason], refusal.detail, false);
  }
}
