/**
 * The deploy log: every step the updater takes on a release (its verdict, the commit, the sync
 * Argo CD reports, the running digests) and every refusal, one record each, append-only. Each
 * record's hash covers its content and the previous record's hash, so a record changed or removed
 * later breaks the chain (`verifyDeployLog`), and one hash — the newest — commits to the whole log.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '@anchorpost/release';
import { UpdaterError } from './updater-error.ts';

export type DeployStep =
  /** A proposal the updater will not act on: not a release, defeated, cancelled. */
  | 'ignored'
  /** The review of a queued release: its manifest, signatures, provenance and dry run. */
  | 'verdict'
  /** The release commit on the GitOps branch, or why there is none. */
  | 'commit'
  /** An approved release held back while the registry is paused. */
  | 'held'
  /** Argo CD reports the Application Synced and Healthy at the release commit. */
  | 'sync'
  /** Argo CD has not reached that state within the expected time. */
  | 'stuck'
  /** The digests the Application runs, compared with the manifest's. */
  | 'running';

export type DeployOutcome = 'ok' | 'refused' | 'ignored' | 'held' | 'stuck' | 'mismatch';

/** What a step appends; the store adds the sequence number, the time and the hashes. */
export interface DeployLogEntryInput {
  readonly proposalId: string;
  readonly step: DeployStep;
  readonly outcome: DeployOutcome;
  /** The stable code of a refusal (a ReleaseError's, an UpdaterError's, or a state such as DEFEATED). */
  readonly code?: string;
  /** Facts of the step, as strings: the commit, the manifest CID, the digests, the reason. */
  readonly detail: Readonly<Record<string, string>>;
}

export interface DeployLogEntry extends DeployLogEntryInput {
  /** 1, 2, 3 … in append order. */
  readonly seq: number;
  /** ISO 8601, milliseconds, UTC. */
  readonly recordedAt: string;
  readonly prevHash: string;
  /** Hex SHA-256 of the canonical JSON of every other field. */
  readonly hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** The record that follows `previous` (undefined: the first), with its hash. */
export function chainDeployLogEntry(
  previous: Pick<DeployLogEntry, 'seq' | 'hash'> | undefined,
  input: DeployLogEntryInput,
  recordedAt: Date,
): DeployLogEntry {
  const unhashed = {
    seq: (previous?.seq ?? 0) + 1,
    proposalId: input.proposalId,
    step: input.step,
    outcome: input.outcome,
    ...(input.code === undefined ? {} : { code: input.code }),
    detail: { ...input.detail },
    recordedAt: recordedAt.toISOString(),
    prevHash: previous?.hash ?? GENESIS_HASH,
  };
  return { ...unhashed, hash: deployLogHash(unhashed) };
}

function deployLogHash(entry: Omit<DeployLogEntry, 'hash'>): string {
  return createHash('sha256').update(canonicalJson(entry)).digest('hex');
}

/** Whether a record's hash covers its own content (one record out of its chain: a proof's). */
export function deployLogEntryHashMatches(entry: DeployLogEntry): boolean {
  const { hash, ...unhashed } = entry;
  return deployLogHash(unhashed) === hash;
}

/** Checks the chain from the first record: DEPLOY_LOG_BROKEN at the first record that does not follow. */
export function verifyDeployLog(entries: readonly DeployLogEntry[]): void {
  let previous: DeployLogEntry | undefined;
  for (const entry of entries) {
    const expectedSeq = (previous?.seq ?? 0) + 1;
    const expectedPrev = previous?.hash ?? GENESIS_HASH;
    if (entry.seq !== expectedSeq || entry.prevHash !== expectedPrev || !deployLogEntryHashMatches(entry)) {
      throw new UpdaterError(
        'DEPLOY_LOG_BROKEN',
        `deploy log record ${entry.seq} does not follow record ${expectedSeq - 1}`,
      );
    }
    previous = entry;
  }
}

/** A deploy-log record as a database keeps it (`updater_deploy_log`): nulls, dates, JSON. */
export interface DeployLogRow {
  readonly seq: number;
  readonly proposalId: string;
  readonly step: string;
  readonly outcome: string;
  readonly code: string | null;
  readonly detail: unknown;
  readonly recordedAt: Date;
  readonly prevHash: string;
  readonly hash: string;
}

/** The record a row holds, shaped as it was hashed. */
export function deployLogEntryFromRow(row: DeployLogRow): DeployLogEntry {
  return {
    seq: row.seq,
    proposalId: row.proposalId,
    step: row.step as DeployStep,
    outcome: row.outcome as DeployOutcome,
    ...(row.code === null ? {} : { code: row.code }),
    detail: row.detail as Record<string, string>,
    recordedAt: row.recordedAt.toISOString(),
    prevHash: row.prevHash,
    hash: row.hash,
  };
}
