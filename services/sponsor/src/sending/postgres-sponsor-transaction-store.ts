/**
 * The sponsor engine's RequestStore on PostgreSQL (or the embedded PGlite) through
 * @anchorpost/db's sponsor transaction repository: the record kept whole as JSON, its state in the
 * database's lower case, and the compare-and-swap outcomes turned into the port's ChainErrors.
 * Beyond the port: the transaction of a sponsorship (by digest) and an account's last sequence.
 */
import { AnchorState, ChainError, ChainErrorCode } from '@anchorpost/chains';
import type { RequestStore } from '@anchorpost/chains';
import type {
  AnchorRequestState,
  PrismaSponsorTransactionRepository,
  SponsorTransactionRow,
} from '@anchorpost/db';
import type { SponsorTransactionRecord } from '@anchorpost/sponsor-contracts';

function toRow(record: SponsorTransactionRecord): SponsorTransactionRow {
  return {
    chain: record.chain,
    sequence: record.sequence,
    digest: record.digest,
    state: record.state.toLowerCase() as AnchorRequestState,
    version: record.version,
    nonce: record.nonce,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    record: { ...record },
  };
}

function toRecord(row: SponsorTransactionRow): SponsorTransactionRecord {
  // The columns are the truth for what they hold; the JSON for the rest.
  return {
    ...(row.record as unknown as SponsorTransactionRecord),
    chain: row.chain,
    sequence: row.sequence,
    digest: row.digest,
    state: row.state.toUpperCase() as AnchorState,
    version: row.version,
    nonce: row.nonce,
  };
}

export class PostgresSponsorTransactionStore implements RequestStore<SponsorTransactionRecord> {
  readonly #rows: PrismaSponsorTransactionRepository;

  /** `rows`: `database.sponsorTransactions` of an opened @anchorpost/db Database. */
  constructor(rows: PrismaSponsorTransactionRepository) {
    this.#rows = rows;
  }

  async create(record: SponsorTransactionRecord): Promise<SponsorTransactionRecord> {
    return toRecord(await this.#rows.create(toRow(record)));
  }

  async get(chain: string, sequence: number): Promise<SponsorTransactionRecord | undefined> {
    const row = await this.#rows.get(chain, sequence);
    return row === null ? undefined : toRecord(row);
  }

  async getByDigest(digest: string): Promise<SponsorTransactionRecord | undefined> {
    const row = await this.#rows.getByDigest(digest);
    return row === null ? undefined : toRecord(row);
  }

  lastSequence(chain: string): Promise<number> {
    return this.#rows.lastSequence(chain);
  }

  async update(record: SponsorTransactionRecord): Promise<void> {
    const result = await this.#rows.update(toRow(record));
    const name = `sponsor transaction ${record.chain}#${record.sequence}`;
    switch (result.outcome) {
      case 'updated':
        return;
      case 'missing':
        throw new ChainError(ChainErrorCode.NotFound, `no ${name}`);
      case 'stale':
        throw new ChainError(
          ChainErrorCode.StoreConflict,
          `${name}: stored version ${result.storedVersion}, write based on ${record.version - 1}`,
        );
    }
  }

  async listOpen(
    chain: string,
    page: { afterSequence: number; limit: number },
  ): Promise<SponsorTransactionRecord[]> {
    return (await this.#rows.listOpen(chain, page)).map(toRecord);
  }
}

/** What the sender needs of a store beyond the engine's port. */
export type SponsorTransactionStore = Pick<
  PostgresSponsorTransactionStore,
  keyof RequestStore<SponsorTransactionRecord> | 'getByDigest' | 'lastSequence'
>;
