/** What a Relay is built from, checked once at start-up: a bad value names its key (BAD_CONFIG). */
import { MAX_RECORDS_PER_READ } from '@anchorpost/bus-port';
import type { Bus } from '@anchorpost/bus-port';
import type { ContentStore } from '@anchorpost/storage-port';
import { ErgoBlockCheck } from './ergo-block-check.ts';
import type { ErgoBlockCheckOptions } from './ergo-block-check.ts';
import type { ReceiptStore } from './receipt-store.ts';
import { RegisteredKeyCheck } from './registered-key-check.ts';
import type { RegisteredKeyCheckOptions } from './registered-key-check.ts';
import type { RelayObserver } from './relay-observer.ts';
import { RelayError, RelayErrorCode } from './relay-error.ts';
import type { TenantDirectory } from './tenants/tenant-directory.ts';
import type { TenantQuotas } from './quotas/tenant-quotas.ts';

export interface RelayOptions {
  readonly bus: Bus;
  readonly storage: ContentStore;
  readonly receipts: ReceiptStore;
  /** Who is served: TenantAccess over a TenantStore, or a TenantRegistry read from a file. */
  readonly tenants: TenantDirectory;
  /** The relay's Ed25519 private key, PKCS#8 DER bytes or PEM text. */
  readonly relayKey: Uint8Array | string;
  /** Partitions of `anchorpost.tx-file.accepted.v1` (created with this count if missing). Default 8. */
  readonly partitions?: number;
  /** Largest tx-file accepted, in bytes. Default 1 MiB (the protocol's limit). */
  readonly maxTxFileBytes?: number;
  /** The time written into receipts. Default: the system clock. */
  readonly clock?: () => Date;
  /** How often an idle subscriber looks for records other processes published. Default 250 ms. */
  readonly pollIntervalMs?: number;
  /** Records per bus read while delivering. Default 100. */
  readonly readBatchRecords?: number;
  /**
   * Bytes per bus read while delivering (the first record comes whatever its size). Default
   * 1 MiB: a subscriber holds at most one batch, so this bounds what a slow one pins.
   */
  readonly readBatchBytes?: number;
  /**
   * Bytes of recent records the shared reader of a partition keeps for the subscribers there
   * (at least its last batch). Default 2 MiB: the process holds at most this per partition with
   * subscribers, whatever their number.
   */
  readonly tailWindowBytes?: number;
  /**
   * Reads of subscribers behind the shared window (history replay) and of message pages running
   * at once; more wait their turn. Default 8: with readBatchBytes, bounds what replay holds.
   */
  readonly catchUpReads?: number;
  /** Records `messagesSince` looks at per call at most (records of other recipients count too). Default 10,000. */
  readonly maxScanRecords?: number;
  /**
   * Records a retry of a receipt still `signed` reads at most, looking for the record an earlier
   * attempt may have published before it died. Default 100,000. The bound is safe: that record,
   * if it exists, was appended by the earlier attempt right after it read the partition end the
   * receipt remembers, so only the records other submits appended to that partition while that
   * one attempt ran come before it — far fewer than 100,000. Not found within the bound, the
   * relay publishes again (delivery then drops the second record by CID within a stream or page).
   */
  readonly maxRecoveryScanRecords?: number;
  /** CIDs a subscription remembers to drop duplicate bus records. Default 10,000. */
  readonly dedupeWindow?: number;
  /** Time limit of storage calls. Default: the store's own. */
  readonly storageTimeoutMs?: number;
  /**
   * With it, every tx-file's `lastblock` and `trustedblock` must be blocks of this Ergo chain, at
   * or below its tip, the trustedblock at most `trustedblockMaxAge` blocks deep (see
   * ErgoBlockCheck). Without it the relay checks no block ids.
   */
  readonly ergo?: ErgoBlockCheckOptions;
  /**
   * With it, a tx-file's client key must be an identity's current key in the key registry
   * (KEY_NOT_REGISTERED; see RegisteredKeyCheck). Without it (the default) the registry is not asked.
   */
  readonly registeredKeys?: RegisteredKeyCheckOptions;
  /**
   * Tenants' plan limits: a file larger than its tenant's plan allows is TOO_LARGE before it is
   * parsed; a new file (not a retry of an accepted one) spends a file and its bytes before
   * anything is stored (RATE_LIMITED, DAILY_BYTES_EXHAUSTED). Without it: no quotas.
   */
  readonly quotas?: Pick<TenantQuotas, 'checkSize' | 'admit'>;
  /**
   * Group commit (see GroupCommit): how long the first waiting file waits for others before
   * they are stored, receipted and published together. Default 1 ms; 0: only those that arrive in
   * the same turn of the event loop or while the previous group is in flight.
   */
  readonly groupCommitWindowMs?: number;
  /** Files in one group at most. Default 256. */
  readonly groupCommitMaxFiles?: number;
  /** Bytes of tx-files in one group at most (a larger file goes alone). Default 1 MiB. */
  readonly groupCommitMaxBytes?: number;
  /** Files waiting for a group at most; more are refused with INGEST_QUEUE_FULL. Default 4,096. */
  readonly ingestQueueMaxFiles?: number;
  /** Bytes of files waiting for a group at most; more are refused with INGEST_QUEUE_FULL. Default 64 MiB. */
  readonly ingestQueueMaxBytes?: number;
  /**
   * Worker threads for the per-file checks (parse, canonical form, CID, client signature; see
   * TxFileChecks); at most `ingestQueueMaxFiles` checks wait for them. Default 0: on the event loop.
   */
  readonly checkThreads?: number;
  readonly observer?: RelayObserver;
}

export const RELAY_DEFAULTS = {
  partitions: 8,
  maxTxFileBytes: 1_048_576,
  pollIntervalMs: 250,
  readBatchRecords: 100,
  readBatchBytes: 1_048_576,
  tailWindowBytes: 2 * 1_048_576,
  catchUpReads: 8,
  maxScanRecords: 10_000,
  maxRecoveryScanRecords: 100_000,
  dedupeWindow: 10_000,
  groupCommitWindowMs: 1,
  groupCommitMaxFiles: 256,
  groupCommitMaxBytes: 1_048_576,
  ingestQueueMaxFiles: 4_096,
  ingestQueueMaxBytes: 64 * 1_048_576,
  checkThreads: 0,
} as const;

export type RelaySettings = Required<
  Omit<
    RelayOptions,
    | 'bus'
    | 'storage'
    | 'receipts'
    | 'tenants'
    | 'relayKey'
    | 'observer'
    | 'storageTimeoutMs'
    | 'ergo'
    | 'registeredKeys'
    | 'quotas'
  >
> & {
  storageTimeoutMs: number | undefined;
  blockCheck: ErgoBlockCheck | undefined;
  registeredKeyCheck: RegisteredKeyCheck | undefined;
};

function integer(
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  const chosen = value ?? fallback;
  if (!Number.isSafeInteger(chosen) || chosen < min || chosen > max) {
    throw new RelayError(
      RelayErrorCode.BadConfig,
      `${name} must be an integer in ${min}…${max}, got ${String(value)}`,
    );
  }
  return chosen;
}

export function relaySettings(options: RelayOptions): RelaySettings {
  for (const key of ['bus', 'storage', 'receipts', 'tenants', 'relayKey'] as const) {
    if ((options[key] as unknown) === undefined || (options[key] as unknown) === null) {
      throw new RelayError(RelayErrorCode.BadConfig, `${key} is required`);
    }
  }
  if (options.clock !== undefined && typeof options.clock !== 'function') {
    throw new RelayError(RelayErrorCode.BadConfig, 'clock must be a function');
  }
  return {
    partitions: integer('partitions', options.partitions, RELAY_DEFAULTS.partitions, 1, 10_000),
    maxTxFileBytes: integer(
      'maxTxFileBytes',
      options.maxTxFileBytes,
      RELAY_DEFAULTS.maxTxFileBytes,
      1,
      64 * 1_048_576,
    ),
    clock: options.clock ?? (() => new Date()),
    pollIntervalMs: integer(
      'pollIntervalMs',
      options.pollIntervalMs,
      RELAY_DEFAULTS.pollIntervalMs,
      1,
      60_000,
    ),
    readBatchRecords: integer(
      'readBatchRecords',
      options.readBatchRecords,
      RELAY_DEFAULTS.readBatchRecords,
      1,
      MAX_RECORDS_PER_READ,
    ),
    readBatchBytes: integer(
      'readBatchBytes',
      options.readBatchBytes,
      RELAY_DEFAULTS.readBatchBytes,
      1,
      256 * 1_048_576,
    ),
    tailWindowBytes: integer(
      'tailWindowBytes',
      options.tailWindowBytes,
      RELAY_DEFAULTS.tailWindowBytes,
      1,
      1_024 * 1_048_576,
    ),
    catchUpReads: integer('catchUpReads', options.catchUpReads, RELAY_DEFAULTS.catchUpReads, 1, 10_000),
    maxScanRecords: integer(
      'maxScanRecords',
      options.maxScanRecords,
      RELAY_DEFAULTS.maxScanRecords,
      1,
      10_000_000,
    ),
    maxRecoveryScanRecords: integer(
      'maxRecoveryScanRecords',
      options.maxRecoveryScanRecords,
      RELAY_DEFAULTS.maxRecoveryScanRecords,
      1,
      100_000_000,
    ),
    dedupeWindow: integer('dedupeWindow', options.dedupeWindow, RELAY_DEFAULTS.dedupeWindow, 1, 10_000_000),
    storageTimeoutMs:
      options.storageTimeoutMs === undefined
        ? undefined
        : integer('storageTimeoutMs', options.storageTimeoutMs, 0, 1, 3_600_000),
    blockCheck: options.ergo === undefined ? undefined : new ErgoBlockCheck(options.ergo),
    registeredKeyCheck:
      options.registeredKeys === undefined ? undefined : new RegisteredKeyCheck(options.registeredKeys),
    groupCommitWindowMs: integer(
      'groupCommitWindowMs',
      options.groupCommitWindowMs,
      RELAY_DEFAULTS.groupCommitWindowMs,
      0,
      1_000,
    ),
    groupCommitMaxFiles: integer(
      'groupCommitMaxFiles',
      options.groupCommitMaxFiles,
      RELAY_DEFAULTS.groupCommitMaxFiles,
      1,
      10_000,
    ),
    groupCommitMaxBytes: integer(
      'groupCommitMaxBytes',
      options.groupCommitMaxBytes,
      RELAY_DEFAULTS.groupCommitMaxBytes,
      1,
      256 * 1_048_576,
    ),
    ingestQueueMaxFiles: integer(
      'ingestQueueMaxFiles',
      options.ingestQueueMaxFiles,
      RELAY_DEFAULTS.ingestQueueMaxFiles,
      1,
      10_000_000,
    ),
    ingestQueueMaxBytes: integer(
      'ingestQueueMaxBytes',
      options.ingestQueueMaxBytes,
      RELAY_DEFAULTS.ingestQueueMaxBytes,
      1,
      64 * 1_024 * 1_048_576,
    ),
    checkThreads: integer('checkThreads', options.checkThreads, RELAY_DEFAULTS.checkThreads, 0, 64),
  };
}
