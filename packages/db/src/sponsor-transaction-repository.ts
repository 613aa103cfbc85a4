/**
 * The sponsor's transactions: one row per (sponsor account, sequence), written only by
 * compare-and-swap on `version` like the anchorer's requests (request-rows.ts has what both
 * share). The engine's record is stored whole as JSON (its format is @anchorpost/chains', which
 * this package does not depend on); the columns repeat
 * what is looked up and what the database must guarantee: one row per sponsorship (`digest`) and
 * one row per account nonce (`chain`, `nonce`), so two transactions can never hold one nonce.
 */
import { DbError } from '@anchorpost/db-port';
import type { PrismaClient, SponsorTransaction as Row } from './generated/prisma/client.ts';
import { checkInteger, compareAndSwap, openRequestsQuery, toDate } from './request-rows.ts';
import type {
  AnchorRequestState,
  AnchorRequestUpdate,
  RequestPage,
  RequestRowRepository,
} from './request-rows.ts';
import { withDbErrors } from './to-db-error.ts';

export interface SponsorTransactionRow {
  readonly chain: string;
  readonly sequence: number;
  readonly digest: string;
  readonly state: AnchorRequestState;
  readonly version: number;
  readonly nonce: number | null;
  /** RFC 3339 UTC with milliseconds. */
  readonly createdAt: string;
  readonly updatedAt: string;
  /** The engine's whole record, a JSON object. */
  readonly record: Readonly<Record<string, unknown>>;
}

function toColumns(row: SponsorTransactionRow) {
  checkInteger(row.sequence, 'sequence', 0);
  checkInteger(row.version, 'version', 1);
  if (row.nonce !== null) checkInteger(row.nonce, 'nonce', 0);
  return {
    chain: row.chain,
    sequence: BigInt(row.sequence),
    digest: row.digest,
    state: row.state,
    version: row.version,
    nonce: row.nonce === null ? null : BigInt(row.nonce),
    record: JSON.parse(JSON.stringify(row.record)) as object,
    createdAt: toDate(row.createdAt, 'createdAt'),
    updatedAt: toDate(row.updatedAt, 'updatedAt'),
  };
}

function toSafeNumber(row: Row, value: bigint, field: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number))
    throw new DbError('INVALID_VALUE', `sponsor_transaction ${row.chain}#${row.sequence}: ${field}`);
  return number;
}

function toRow(row: Row): SponsorTransactionRow {
  const record = row.record;
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    throw new DbError('INVALID_VALUE', `sponsor_transaction ${row.chain}#${row.sequence}: record`);
  }
  return {
    chain: row.chain,
    sequence: toSafeNumber(row, row.sequence, 'sequence'),
    digest: row.digest,
    state: row.state,
    version: row.version,
    nonce: row.nonce === null ? null : toSafeNumber(row, row.nonce, 'nonce'),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    record,
  };
}

export class PrismaSponsorTransactionRepository implements RequestRowRepository<SponsorTransactionRow> {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  /**
   * Stores the row unless (chain, sequence) exists; returns what is stored either way. A second
   * row for a digest already stored under another sequence is refused (CONFLICT).
   */
  create(row: SponsorTransactionRow): Promise<SponsorTransactionRow> {
    return withDbErrors('createSponsorTransaction', async () => {
      const columns = toColumns(row);
      await this.#prisma.sponsorTransaction.createMany({ data: [columns], skipDuplicates: true });
      const stored = await this.#prisma.sponsorTransaction.findUnique({
        where: { chain_sequence: { chain: columns.chain, sequence: columns.sequence } },
      });
      if (stored === null) {
        // Skipped for the digest, not the key: the sponsorship is already another row's.
        throw new DbError('CONFLICT', `sponsorship ${row.digest} already has a transaction`);
      }
      return toRow(stored);
    });
  }

  get(chain: string, sequence: number): Promise<SponsorTransactionRow | null> {
    return withDbErrors('getSponsorTransaction', async () => {
      checkInteger(sequence, 'sequence', 0);
      const row = await this.#prisma.sponsorTransaction.findUnique({
        where: { chain_sequence: { chain, sequence: BigInt(sequence) } },
      });
      return row === null ? null : toRow(row);
    });
  }

  /** The transaction of a sponsorship, on whichever account sends it. */
  getByDigest(digest: string): Promise<SponsorTransactionRow | null> {
    return withDbErrors('getSponsorTransactionByDigest', async () => {
      const row = await this.#prisma.sponsorTransaction.findUnique({ where: { digest } });
      return row === null ? null : toRow(row);
    });
  }

  /** Stores `row` only where the stored version is `row.version - 1`. */
  update(row: SponsorTransactionRow): Promise<AnchorRequestUpdate> {
    return withDbErrors('updateSponsorTransaction', () => {
      const columns = toColumns(row);
      const { chain, sequence } = columns;
      return compareAndSwap(
        () =>
          this.#prisma.sponsorTransaction.updateMany({
            where: { chain, sequence, version: row.version - 1 },
            data: { ...columns, createdAt: undefined, digest: undefined },
          }),
        () =>
          this.#prisma.sponsorTransaction.findUnique({
            where: { chain_sequence: { chain, sequence } },
            select: { version: true },
          }),
      );
    });
  }

  /** Open rows of `chain` with sequence > afterSequence, ascending, at most `limit`. */
  listOpen(chain: string, page: RequestPage): Promise<SponsorTransactionRow[]> {
    return withDbErrors('listOpenSponsorTransactions', async () => {
      const rows = await this.#prisma.sponsorTransaction.findMany(openRequestsQuery(chain, page));
      return rows.map(toRow);
    });
  }

  /** The highest sequence of `chain`, or -1 when it has none: the next one is drawn after it. */
  lastSequence(chain: string): Promise<number> {
    return withDbErrors('lastSponsorTransactionSequence', async () => {
      const { _max } = await this.#prisma.sponsorTransaction.aggregate({
        where: { chain },
        _max: { sequence: true },
      });
      return _max.sequence === null ? -1 : Number(_max.sequence);
    });
  }
}
