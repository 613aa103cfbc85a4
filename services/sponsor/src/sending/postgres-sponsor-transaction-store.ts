/**
 * The sponsor engine's RequestStore on PostgreSQL (or the embedded PGlite) through
 * @anchorpost/db's sponsor transaction repository, on the engine's RowRequestStore: the record
 * kept whole as JSON (the store writes the state in the database's lower case). Beyond the port:
 * the transaction of a sponsorship (by digest) and an account's last sequence.
 */
import { RowRequestStore } from '@anchorpost/chains';
import type { RequestStore } from '@anchorpost/chains';
import type { PrismaSponsorTransactionRepository, SponsorTransactionRow } from '@anchorpost/db';
import type { SponsorTransactionRecord } from '@anchorpost/sponsor-contracts';

function toRow(record: SponsorTransactionRecord): Omit<SponsorTransactionRow, 'state'> {
  return {
    chain: record.chain,
    sequence: record.sequence,
    digest: record.digest,
    version: record.version,
    nonce: record.nonce,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    record: { ...record },
  };
}

function toRecord(row: SponsorTransactionRow): Omit<SponsorTransactionRecord, 'state'> {
  // The columns are the truth for what they hold; the JSON for the rest.
  return {
    ...(row.record as unknown as SponsorTransactionRecord),
    chain: row.chain,
    sequence: row.sequence,
    digest: row.digest,
    version: row.version,
    nonce: row.nonce,
  };
}

export class PostgresSponsorTransactionStore extends RowRequestStore<
  SponsorTransactionRecord,
  SponsorTransactionRow
> {
  readonly #rows: PrismaSponsorTransactionRepository;

  /** `rows`: `database.sponsorTransactions` of an opened @anchorpost/db Database. */
  constructor(rows: PrismaSponsorTransactionRepository) {
    super({ rows, toRow, toRecord, name: 'sponsor transaction' });
    this.#rows = rows;
  }

  async getByDigest(digest: string): Promise<SponsorTransactionRecord | undefined> {
    const row = await this.#rows.getByDigest(digest);
    return row === null ? undefined : this.toRecord(row);
  }

  lastSequence(chain: string): Promise<number> {
    return this.#rows.lastSequence(chain);
  }
}

/** What the sender needs of a store beyond the engine's port. */
export type SponsorTransactionStore = Pick<
  PostgresSponsorTransactionStore,
  keyof RequestStore<SponsorTransactionRecord> | 'getByDigest' | 'lastSequence'
>;
