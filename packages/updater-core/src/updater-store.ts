/**
 * The port to the updater's own state: the chain cursor, one record per proposal it has seen, and
 * the deploy log. `save` writes a proposal's new record and appends its deploy-log entry in one
 * transaction, so a crash never leaves a step logged but not recorded, or the other way round.
 * Adapters: PostgreSQL (the service's) and the in-memory test double (`./testing`), one contract
 * suite for both. The records' tx-files (deploy-log-anchoring.ts) are kept there too.
 */
import type { DeployLogEntry, DeployLogEntryInput } from './deploy-log.ts';
import type { DeployLogOutbox } from './deploy-log-anchoring.ts';

/** The last block read at confirmation depth, with its hash (to notice it leaving the chain). */
export interface FollowCursor {
  readonly block: number;
  readonly blockHash: string;
}

/**
 * Where a proposal is. Forward only: `created` → `queued` → `reviewed` → `approved` → `committed`
 * → `done`; `refused` (the review failed), `ignored` (not a release, defeated, cancelled) and
 * `done` are final.
 */
export type ProposalPhase =
  'created' | 'queued' | 'reviewed' | 'refused' | 'approved' | 'committed' | 'done' | 'ignored';

export interface StoredApproval {
  readonly manifestSha256: string;
  readonly manifestCid: string;
  /** The uint64 version, in decimal (JSON has no bigint). */
  readonly version: string;
  readonly rollback: boolean;
}

export interface StoredVerdict {
  readonly ok: boolean;
  readonly code?: string;
  readonly reason: string;
  /** The overlay's images with the digests the release pins (repository@sha256:…), when it passed. */
  readonly pins?: readonly string[];
}

export interface ReleaseProposalRecord {
  /** The Governor's proposal id, decimal. */
  readonly proposalId: string;
  readonly phase: ProposalPhase;
  /** Undefined for a proposal that is not a release. */
  readonly approval?: StoredApproval;
  /** The block of its ProposalQueued: the registry state its version rule is checked against. */
  readonly queuedBlock?: number;
  /** The block of its ReleaseApproved. */
  readonly approvedBlock?: number;
  readonly verdict?: StoredVerdict;
  /** Wall-clock ms when the updater saw the approval at depth, and when it committed. */
  readonly approvedSeenAt?: number;
  readonly commit?: string;
  readonly committedAt?: number;
  /** Set once a step has logged that it waits (held while paused, stuck in Argo CD), so it logs once. */
  readonly waitingLogged?: 'held' | 'stuck' | 'approved-refused';
}

/** With the deploy log's outbox: each record's tx-file, kept until the relay has it. */
export interface UpdaterStore extends DeployLogOutbox {
  cursor(): Promise<FollowCursor | undefined>;
  saveCursor(cursor: FollowCursor): Promise<void>;
  proposal(proposalId: string): Promise<ReleaseProposalRecord | undefined>;
  /** Every proposal not in a final phase, oldest first. */
  openProposals(): Promise<readonly ReleaseProposalRecord[]>;
  /** Writes the record (insert or replace) and appends the log entries, in order; atomically. */
  save(
    record: ReleaseProposalRecord,
    entries?: readonly DeployLogEntryInput[],
  ): Promise<readonly DeployLogEntry[]>;
  /** The deploy log from `afterSeq` on (default: all), in order. */
  deployLog(afterSeq?: number): Promise<readonly DeployLogEntry[]>;
}

export const FINAL_PHASES: ReadonlySet<ProposalPhase> = new Set(['refused', 'done', 'ignored']);
