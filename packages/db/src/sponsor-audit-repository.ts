/**
 * The sponsor ledger audit's persisted state: its cursor (the last block read, with its hash) and
 * the transactions the sponsor accounts sent, as found in those blocks. A step's rows and the
 * cursor move together in one transaction, after the rows at and above the step's first block are
 * deleted: reading blocks again (after a rewind, or a stale leader's step) replaces them.
 */
import type { PrismaClient } from './generated/prisma/client.ts';
import { withDbErrors } from './to-db-error.ts';

export interface SponsorAuditCursorRecord {
  readonly block: number;
  readonly blockHash: string;
}

export interface SponsorAccountTransactionRecord {
  readonly txHash: string;
  readonly account: string;
  readonly blockNumber: number;
  readonly blockHash: string;
  readonly to: string | null;
  readonly selector: string;
}

export class PrismaSponsorAuditRepository {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  cursor(id: string): Promise<SponsorAuditCursorRecord | null> {
    return withDbErrors('sponsorAuditCursor', async () => {
      const row = await this.#prisma.sponsorAuditCursor.findUnique({ where: { id } });
      return row === null ? null : { block: Number(row.block), blockHash: row.blockHash };
    });
  }

  /** The blocks from `fromBlock` to `cursor.block` were read and hold `found`: replaces what was kept for them. */
  record(
    id: string,
    fromBlock: number,
    cursor: SponsorAuditCursorRecord,
    found: readonly SponsorAccountTransactionRecord[],
  ): Promise<void> {
    return withDbErrors('recordSponsorAudit', async () => {
      const data = { block: BigInt(cursor.block), blockHash: cursor.blockHash };
      await this.#prisma.$transaction([
        this.#prisma.sponsorAccountTransaction.deleteMany({
          where: { blockNumber: { gte: BigInt(fromBlock) } },
        }),
        this.#prisma.sponsorAccountTransaction.createMany({
          data: found.map((tx) => ({ ...tx, blockNumber: BigInt(tx.blockNumber) })),
          skipDuplicates: true,
        }),
        this.#prisma.sponsorAuditCursor.upsert({ where: { id }, create: { id, ...data }, update: data }),
      ]);
    });
  }

  /** The sponsor accounts' transactions no sponsorship was sent under, oldest first. */
  uncharged(): Promise<readonly SponsorAccountTransactionRecord[]> {
    return withDbErrors('unchargedSponsorTransactions', async () => {
      const rows = await this.#prisma.$queryRawUnsafe<
        {
          tx_hash: string;
          account: string;
          block_number: bigint;
          block_hash: string;
          to: string | null;
          selector: string;
        }[]
      >(
        `SELECT t.tx_hash, t.account, t.block_number, t.block_hash, t."to", t.selector
           FROM sponsor_account_transaction t
          WHERE NOT EXISTS (SELECT 1 FROM sponsorship s WHERE s.tx_hash = t.tx_hash)
          ORDER BY t.block_number, t.tx_hash`,
      );
      return rows.map((row) => ({
        txHash: row.tx_hash,
        account: row.account,
        blockNumber: Number(row.block_number),
        blockHash: row.block_hash,
        to: row.to,
        selector: row.selector,
      }));
    });
  }
}
