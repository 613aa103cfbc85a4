/**
 * The updater's deploy-log records that can bear on one image digest, read from the database the
 * updater writes (`updater_deploy_log`, with each record's tx-file from `updater_deploy_log_tx_file`):
 * the verdicts and running records naming `@sha256:<hex>`, and the commits of the proposals those
 * verdicts belong to. Which of them answer is @anchorpost/updater-core's `findDigestRelease`.
 */
import type { Database } from '@anchorpost/db';
import { toDbError } from '@anchorpost/db';
import { deployLogEntryFromRow } from '@anchorpost/updater-core';
import type { DeployLogEntry } from '@anchorpost/updater-core';

export interface DeployLogRecordFile {
  readonly cid: string;
  readonly bytes: Uint8Array;
}

export interface DigestDeployLog {
  /** In sequence order. */
  readonly entries: readonly DeployLogEntry[];
  /** Each record's tx-file by sequence number, when the updater has built it. */
  readonly txFiles: ReadonlyMap<number, DeployLogRecordFile>;
}

/** `digestHex`: 64 lowercase hex, checked by the caller (it goes into a LIKE pattern). */
export async function deployLogOfDigest(
  prisma: Database['prisma'],
  digestHex: string,
): Promise<DigestDeployLog> {
  try {
    const naming = `%@sha256:${digestHex}%`;
    const seqs = await prisma.$queryRaw<{ seq: number }[]>`
      SELECT seq FROM updater_deploy_log
      WHERE (step IN ('verdict', 'running') AND detail::text LIKE ${naming})
         OR (step = 'commit' AND outcome = 'ok' AND proposal_id IN (
              SELECT proposal_id FROM updater_deploy_log
              WHERE step = 'verdict' AND outcome = 'ok' AND detail::text LIKE ${naming}))`;
    const rows = await prisma.updaterDeployLog.findMany({
      where: { seq: { in: seqs.map((row) => row.seq) } },
      include: { txFile: true },
      orderBy: { seq: 'asc' },
    });
    const txFiles = new Map<number, DeployLogRecordFile>();
    for (const row of rows) {
      if (row.txFile !== null)
        txFiles.set(row.seq, { cid: row.txFile.cid, bytes: new Uint8Array(row.txFile.bytes) });
    }
    return { entries: rows.map(deployLogEntryFromRow), txFiles };
  } catch (error) {
    throw toDbError(error, 'deploy log of a digest');
  }
}
