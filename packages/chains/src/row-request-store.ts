/**
 * A RequestStore over a database table of request rows (packages/db's anchor requests and sponsor
 * transactions, declared here by shape: this package does not depend on the database's): records
 * mapped to rows and back, and the table's compare-and-swap outcomes turned into the port's
 * ChainErrors, and the engine's states in the tables' lower case. The anchorer's and the
 * sponsor's PostgreSQL stores are this with their mapping of the other fields.
 */
import type { AnchorState, EngineRecord } from './anchor-request.ts';
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

/** The engine's state as a table stores it: in lower case (`pending`, `submitted`, …). */
export type RequestRowState = Lowercase<AnchorState>;

export interface RowRequestStoreOptions<Rec extends EngineRecord, Row extends { state: RequestRowState }> {
  readonly rows: RequestRows<Row>;
  /** The row of a record, but for its state (the store writes that). */
  readonly toRow: (record: Rec) => Omit<Row, 'state'>;
  /** The record of a row, but for its state (the store reads that). */
  readonly toRecord: (row: Row) => Omit<Rec, 'state'>;
  /** What a record is called in errors: `anchor request`, `sponsor transaction`. */
  readonly name: string;
}

export class RowRequestStore<
  Rec extends EngineRecord,
  Row extends { state: RequestRowState },
> implements RequestStore<Rec> {
  readonly #options: RowRequestStoreOptions<Rec, Row>;

  constructor(options: RowRequestStoreOptions<Rec, Row>) {
    this.#options = options;
  }

  async create(record: Rec): Promise<Rec> {
    return this.toRecord(await this.#options.rows.create(this.#toRow(record)));
  }

  async get(chain: string, sequence: number): Promise<Rec | undefined> {
    const row = await this.#options.rows.get(chain, sequence);
    return row === null ? undefined : this.toRecord(row);
  }

  async update(record: Rec): Promise<void> {
    const result = await this.#options.rows.update(this.#toRow(record));
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
    return (await this.#options.rows.listOpen(chain, page)).map((row) => this.toRecord(row));
  }

  #toRow(record: Rec): Row {
    return { ...this.#options.toRow(record), state: record.state.toLowerCase() as RequestRowState } as Row;
  }

  /** A row as a record: also for what a store adds beyond the port (a lookup by another key). */
  protected toRecord(row: Row): Rec {
    return { ...this.#options.toRecord(row), state: row.state.toUpperCase() as AnchorState } as Rec;
  }
}
