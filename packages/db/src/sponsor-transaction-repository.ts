/**
 * The sponsor's transactions: one row per (sponsor account, sequence) of `sponsor_transaction`,
 * on the persisted request repository like the anchorer's requests (compare-and-swap on
 * `version`). The engine's record is stored whole as JSON (its format is @anchorpost/chains',
 * which this package does not depend on); the columns repeat what is looked up and what the
 * database must guarantee: one row per sponsorship (`digest`) and one row per account nonce
 * (`chain`, `nonce`), so two transactions can never hold one nonce.
 */
import type { PrismaClient, SponsorTransaction as Row } from './generated/prisma/client.ts';
import { PersistedRequestRepository } from './persisted-request-repository.ts';
import type {
  PersistedRequest,
  PersistedRequestColumns,
  RequestTable,
} from './persisted-request-repository.ts';
import { withDbErrors } from './to-db-error.ts';

export interface SponsorTransactionRow extends PersistedRequest {
  readonly digest: string;
  /** The engine's whole record, a JSON object. */
  readonly record: Readonly<Record<string, unknown>>;
}

interface Columns extends PersistedRequestColumns {
  digest: string;
  record: object;
}

/** `sponsor_transaction`: the record whole as JSON, beside the key columns and the digest. */
const SPONSOR_TRANSACTION_TABLE: RequestTable<SponsorTransactionRow, Row, Columns> = {
  name: 'sponsor_transaction',
  noun: 'SponsorTransaction',
  delegate: (prisma) => prisma.sponsorTransaction,
  toColumns: (row, keys) => ({
    ...keys,
    digest: row.digest,
    record: JSON.parse(JSON.stringify(row.record)) as object,
  }),
  toFields: (row, reader) => {
    const record = row.record;
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      throw reader.corrupt('record is not an object');
    }
    return { digest: row.digest, record };
  },
  // A transaction is the sponsorship's for good.
  setOnce: ['digest'],
  takenMessage: (row) => `sponsorship ${row.digest} already has a transaction`,
};

export class PrismaSponsorTransactionRepository extends PersistedRequestRepository<
  SponsorTransactionRow,
  Row,
  Columns
> {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    super(prisma, SPONSOR_TRANSACTION_TABLE);
    this.#prisma = prisma;
  }

  /** The transaction of a sponsorship, on whichever account sends it. */
  getByDigest(digest: string): Promise<SponsorTransactionRow | null> {
    return withDbErrors('getSponsorTransactionByDigest', async () => {
      const row = await this.#prisma.sponsorTransaction.findUnique({ where: { digest } });
      return row === null ? null : this.fromRow(row);
    });
  }
}
