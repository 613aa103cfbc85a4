/**
 * A RequestStore over a database table of request rows (packages/db's anchor requests and sponsor
 * transactions, declared here by shape: this package does not depend on the database's): records
 * mapped to rows and back, and the table's compare-and-swap outcomes turned into the port's
 * ChainErrors. The anchorer's and the sponsor's PostgreSQL stores are this with their mapping.
 */
import type { EngineRecord } from './anchor-request.ts';
import type { RequestStore } from './anchor-request-store.ts';
import { ChainError, ChainErrorCode } from './chain-error.ts';

/** What a compare-and-swap write of a row did. */
export type RequestRowWrite =
  | { readonly outcome: 'updated' }
  | { readonly outcome: 'stale'; readonly storedVersion: number }
  | { readonly outcome: 'missing' };

/** The table: one row per (chain, sequence), written by compare-and-swap on the version. */
export interface RequestRows<Row> {
  create(row: Row): Promise<Row>;
  get(chain: string, sequence: number): Promise<Row | null>;
  update(row: Row): Promise<RequestRowWrite>;
  listOpen(chain: string, page: { afterSequence: number; limit: number }): Promise<Row[]>;
}

export interface RowRequestStoreOptions<Rec extends EngineRecord, Row> {
  readonly rows: RequestRows<Row>;
  readonly toRow: (record: Rec) => Row;
  readonly toRecord: (row: Row) => Rec;
  /** What a record is called in errors: `anchor request`, `sponsor transaction`. */
  readonly name: string;
}

export class RowRequestStore<Rec extends EngineRecord, Row> implements RequestStore<Rec> {
  readonly #options: RowRequestStoreOptions<Rec, Row>;

  constructor(options: RowRequestStoreOptions<Rec, Row>) {
    this.#options = options;
  }

  async create(record: Rec): Promise<Rec> {
    const { rows, toRow, toRecord } = this.#options;
    return toRecord(await rows.create(toRow(record)));
  }

  async get(chain: string, sequence: number): Promise<Rec | undefined> {
    const row = await this.#options.rows.get(chain, sequence);
    return row === null ? undefined : this.#options.toRecord(row);
  }

  async update(record: Rec): Promise<void> {
    const result = await this.#options.rows.update(this.#options.toRow(record));
    const name = `${this.#options.name} ${record.chain}#${record.sequence}`;
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

  async listOpen(chain: string, page: { afterSequence: number; limit: number }): Promise<Rec[]> {
    return (await this.#options.rows.listOpen(chain, page)).map(this.#options.toRecord);
  }
}
