/**
 * The UpdaterStore on PostgreSQL (or the embedded PGlite) through the Prisma client of an opened
 * @anchorpost/db Database: tables `updater_cursor`, `updater_proposal`, `updater_deploy_log` and
 * `updater_deploy_log_tx_file` (the records' tx-files until the relay has them). A
 * proposal's record and its deploy-log records are written in one transaction; appends take a
 * transaction-scoped advisory lock, so two writers (a deposed leader still finishing a step) take
 * turns and the chain never forks (the sequence number is the primary key besides).
 */
import type { Database } from '@anchorpost/db';
import { toDbError } from '@anchorpost/db';
import { chainDeployLogEntry, deployLogEntryFromRow, FINAL_PHASES } from '@anchorpost/updater-core';
import type {
  DeployLogEntry,
  DeployLogEntryInput,
  DeployLogTxFile,
  FollowCursor,
  ReleaseProposalRecord,
  UpdaterStore,
} from '@anchorpost/updater-core';

type Prisma = Database['prisma'];

const CURSOR_ID = 'release-governance';
/** Arbitrary, distinct from Prisma's migration lock (72707369). */
const DEPLOY_LOG_LOCK = 7_270_802;

async function withErrors<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toDbError(error, operation);
  }
}

export class PostgresUpdaterStore implements UpdaterStore {
  readonly #prisma: Prisma;

  /** `prisma`: `database.prisma` of an opened @anchorpost/db Database. */
  constructor(prisma: Prisma) {
    this.#prisma = prisma;
  }

  cursor(): Promise<FollowCursor | undefined> {
    return withErrors('updater cursor', async () => {
      const row = await this.#prisma.updaterCursor.findUnique({ where: { id: CURSOR_ID } });
      return row === null ? undefined : { block: Number(row.block), blockHash: row.blockHash };
    });
  }

  saveCursor(cursor: FollowCursor): Promise<void> {
    return withErrors('save updater cursor', async () => {
      const data = { block: BigInt(cursor.block), blockHash: cursor.blockHash };
      await this.#prisma.updaterCursor.upsert({
        where: { id: CURSOR_ID },
        create: { id: CURSOR_ID, ...data },
        update: data,
      });
    });
  }

  proposal(proposalId: string): Promise<ReleaseProposalRecord | undefined> {
    return withErrors('updater proposal', async () => {
      const row = await this.#prisma.updaterProposal.findUnique({ where: { proposalId } });
      return row === null ? undefined : (row.record as unknown as ReleaseProposalRecord);
    });
  }

  openProposals(): Promise<readonly ReleaseProposalRecord[]> {
    return withErrors('open updater proposals', async () => {
      const rows = await this.#prisma.updaterProposal.findMany({
        where: { phase: { notIn: [...FINAL_PHASES] } },
        orderBy: { seenOrder: 'asc' },
      });
      return rows.map((row) => row.record as unknown as ReleaseProposalRecord);
    });
  }

  save(
    record: ReleaseProposalRecord,
    entries: readonly DeployLogEntryInput[] = [],
  ): Promise<readonly DeployLogEntry[]> {
    return withErrors('save updater proposal', () =>
      this.#prisma.$transaction(async (tx) => {
        const json = record as unknown as object;
        await tx.updaterProposal.upsert({
          where: { proposalId: record.proposalId },
          create: { proposalId: record.proposalId, phase: record.phase, record: json },
          update: { phase: record.phase, record: json },
        });
        if (entries.length === 0) return [];
        await tx.$queryRaw`SELECT pg_advisory_xact_lock(${DEPLOY_LOG_LOCK}::bigint)::text AS locked`;
        let previous = await tx.updaterDeployLog.findFirst({
          orderBy: { seq: 'desc' },
          select: { seq: true, hash: true },
        });
        const appended: DeployLogEntry[] = [];
        for (const input of entries) {
          const entry = chainDeployLogEntry(previous ?? undefined, input, new Date());
          await tx.updaterDeployLog.create({
            data: {
              seq: entry.seq,
              proposalId: entry.proposalId,
              step: entry.step,
              outcome: entry.outcome,
              code: entry.code ?? null,
              detail: entry.detail,
              recordedAt: new Date(entry.recordedAt),
              prevHash: entry.prevHash,
              hash: entry.hash,
            },
          });
          appended.push(entry);
          previous = entry;
        }
        return appended;
      }),
    );
  }

  deployLog(afterSeq = 0): Promise<readonly DeployLogEntry[]> {
    return withErrors('updater deploy log', async () => {
      const rows = await this.#prisma.updaterDeployLog.findMany({
        where: { seq: { gt: afterSeq } },
        orderBy: { seq: 'asc' },
      });
      return rows.map(deployLogEntryFromRow);
    });
  }

  deployLogTxFiles(afterSeq = 0): Promise<readonly DeployLogTxFile[]> {
    return withErrors('updater deploy-log tx-files', async () => {
      const rows = await this.#prisma.updaterDeployLogTxFile.findMany({
        where: { seq: { gt: afterSeq } },
        orderBy: { seq: 'asc' },
      });
      return rows.map((row) => ({
        seq: row.seq,
        cid: row.cid,
        bytes: new Uint8Array(row.bytes),
        stateAfter: row.stateAfter,
        submitted: row.submittedAt !== null,
      }));
    });
  }

  addDeployLogTxFile(file: DeployLogTxFile): Promise<void> {
    return withErrors('add updater deploy-log tx-file', async () => {
      await this.#prisma.updaterDeployLogTxFile.createMany({
        data: [{ seq: file.seq, cid: file.cid, bytes: Buffer.from(file.bytes), stateAfter: file.stateAfter }],
        skipDuplicates: true,
      });
    });
  }

  markDeployLogTxFileSubmitted(seq: number): Promise<void> {
    return withErrors('mark updater deploy-log tx-file submitted', async () => {
      await this.#prisma.updaterDeployLogTxFile.updateMany({
        where: { seq, submittedAt: null },
        data: { submittedAt: new Date() },
      });
    });
  }
}
