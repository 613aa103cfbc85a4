/**
 * One repository for every table of persisted engine requests — the anchorer's `anchor_request`
 * and the sponsor's `sponsor_transaction` — parameterised by the table (a RequestTable): one row
 * per (chain, sequence), the engine's states, open pages in sequence order, and writes only by
 * compare-and-swap on `version`, so a stale writer (after a restart, a lost leadership) can never
 * overwrite newer state. The engine saves each step here before it acts on it (a claimed nonce
 * and a signed transaction before the broadcast). The key columns (chain, sequence, state,
 * version, nonce, created and updated) are read and written here; a table maps only its own.
 */
import { DbError } from '@anchorpost/db-port';
import type { PrismaClient } from './generated/prisma/client.ts';
import { withDbErrors } from './to-db-error.ts';

export type AnchorRequestState = 'pending' | 'submitted' | 'mined' | 'confirmed' | 'finalized' | 'failed';

/** The states the engine still works on (`finalized` and `failed` are at rest). */
export const OPEN_ANCHOR_REQUEST_STATES: readonly AnchorRequestState[] = [
  'pending',
  'submitted',
  'mined',
  'confirmed',
];

/** What a compare-and-swap write did: stored, refused (another version is stored) or no such row. */
export type AnchorRequestUpdate =
  | { readonly outcome: 'updated' }
  | { readonly outcome: 'stale'; readonly storedVersion: number }
  | { readonly outcome: 'missing' };

export interface RequestPage {
  readonly afterSequence: number;
  readonly limit: number;
}

/** A table of persisted requests, one row per (chain, sequence). */
export interface RequestRowRepository<Row> {
  /** Stores the row unless (chain, sequence) exists; returns what is stored either way. */
  create(row: Row): Promise<Row>;
  get(chain: string, sequence: number): Promise<Row | null>;
  /** Stores `row` only where the stored version is `row.version - 1` (one UPDATE … WHERE version = n - 1). */
  update(row: Row): Promise<AnchorRequestUpdate>;
  /** Open rows of `chain` with sequence > afterSequence, ascending, at most `limit`. */
  listOpen(chain: string, page: RequestPage): Promise<Row[]>;
}

/** The fields every persisted request has, as the repository's callers see them. */
export interface PersistedRequest {
  readonly chain: string;
  readonly sequence: number;
  readonly state: AnchorRequestState;
  readonly version: number;
  readonly nonce: number | null;
  /** RFC 3339 UTC with milliseconds. */
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** The key columns every table of persisted requests has, as Prisma reads and writes them. */
export interface PersistedRequestColumns {
  chain: string;
  sequence: bigint;
  state: AnchorRequestState;
  version: number;
  nonce: bigint | null;
  createdAt: Date;
  updatedAt: Date;
}

type ChainSequence = { chain_sequence: { chain: string; sequence: bigint } };

/** The calls made on a table's Prisma delegate (`prisma.anchorRequest`, `prisma.sponsorTransaction`). */
export interface RequestTableDelegate<Row extends PersistedRequestColumns, Columns> {
  createMany(args: { data: Columns[]; skipDuplicates: true }): PromiseLike<unknown>;
  findUnique(args: { where: ChainSequence }): PromiseLike<Row | null>;
  updateMany(args: {
    where: { chain: string; sequence: bigint; version: number };
    data: Columns;
  }): PromiseLike<{ count: number }>;
  findMany(args: ReturnType<typeof openRequestsQuery>): PromiseLike<Row[]>;
  aggregate(args: {
    where: { chain: string };
    _max: { sequence: true };
  }): PromiseLike<{ _max: { sequence: bigint | null } }>;
}

/** How a table's own columns are read: the error for a value no writer of ours stores. */
export interface RowReader {
  corrupt(what: string): DbError;
  safeNumber(value: bigint, field: string): number;
}

/** A table of persisted requests: its Prisma delegate and the mapping of its own columns. */
export interface RequestTable<
  Rec extends PersistedRequest,
  Row extends PersistedRequestColumns,
  Columns extends PersistedRequestColumns,
> {
  /** The SQL table, in messages: `anchor_request`. */
  readonly name: string;
  /** What a row is called in operation names: `Request` → `createRequest`, `listOpenRequests`. */
  readonly noun: string;
  readonly delegate: (prisma: PrismaClient) => RequestTableDelegate<Row, Columns>;
  /** The table's own columns of a record; throws INVALID_ARGUMENT for what they cannot hold exactly. */
  readonly toColumns: (record: Rec, keys: PersistedRequestColumns) => Columns;
  /** The record's own fields of a row. */
  readonly toFields: (row: Row, reader: RowReader) => Omit<Rec, keyof PersistedRequest>;
  /** Columns written once, by create: an update leaves them alone (`createdAt` always is). */
  readonly setOnce?: readonly Exclude<keyof Columns, keyof PersistedRequestColumns>[];
  /**
   * The CONFLICT message for a create that stored nothing while no row has its key: a unique
   * column of the table is another row's (`sponsorship … already has a transaction`).
   */
  readonly takenMessage?: (record: Rec) => string;
}

export class PersistedRequestRepository<
  Rec extends PersistedRequest,
  Row extends PersistedRequestColumns = PersistedRequestColumns,
  Columns extends PersistedRequestColumns = PersistedRequestColumns,
> implements RequestRowRepository<Rec> {
  readonly #table: RequestTable<Rec, Row, Columns>;
  readonly #rows: RequestTableDelegate<Row, Columns>;

  constructor(prisma: PrismaClient, table: RequestTable<Rec, Row, Columns>) {
    this.#table = table;
    this.#rows = table.delegate(prisma);
  }

  create(record: Rec): Promise<Rec> {
    return withDbErrors(`create${this.#table.noun}`, async () => {
      const columns = this.#toColumns(record);
      // INSERT … ON CONFLICT DO NOTHING: the first writer wins, a second create reads its row.
      await this.#rows.createMany({ data: [columns], skipDuplicates: true });
      const stored = await this.#rows.findUnique({ where: this.#key(columns) });
      if (stored === null) {
        // Skipped for another unique column, not the key.
        const message =
          this.#table.takenMessage?.(record) ?? `${this.#name(record)}: a unique column is taken`;
        throw new DbError('CONFLICT', message);
      }
      return this.fromRow(stored);
    });
  }

  get(chain: string, sequence: number): Promise<Rec | null> {
    return withDbErrors(`get${this.#table.noun}`, async () => {
      checkInteger(sequence, 'sequence', 0);
      const row = await this.#rows.findUnique({
        where: { chain_sequence: { chain, sequence: BigInt(sequence) } },
      });
      return row === null ? null : this.fromRow(row);
    });
  }

  /** Stores `record` only where the stored version is `record.version - 1`. */
  update(record: Rec): Promise<AnchorRequestUpdate> {
    return withDbErrors(`update${this.#table.noun}`, async () => {
      const columns = this.#toColumns(record);
      const { chain, sequence } = columns;
      // Columns set once, by create (undefined leaves a column alone).
      const data: Record<string, unknown> = { ...columns, createdAt: undefined };
      for (const column of this.#table.setOnce ?? []) data[column as string] = undefined;
      const { count } = await this.#rows.updateMany({
        where: { chain, sequence, version: record.version - 1 },
        data: data as Columns,
      });
      if (count === 1) return { outcome: 'updated' };
      const stored = await this.#rows.findUnique({ where: this.#key(columns) });
      return stored === null ? { outcome: 'missing' } : { outcome: 'stale', storedVersion: stored.version };
    });
  }

  /** Open rows of `chain` with sequence > afterSequence, ascending, at most `limit`. */
  listOpen(chain: string, page: RequestPage): Promise<Rec[]> {
    return withDbErrors(`listOpen${this.#table.noun}s`, async () => {
      const rows = await this.#rows.findMany(openRequestsQuery(chain, page));
      return rows.map((row) => this.fromRow(row));
    });
  }

  /** The highest sequence of `chain`, or -1 when it has none: the next one is drawn after it. */
  lastSequence(chain: string): Promise<number> {
    return withDbErrors(`last${this.#table.noun}Sequence`, async () => {
      const { _max } = await this.#rows.aggregate({ where: { chain }, _max: { sequence: true } });
      return _max.sequence === null ? -1 : Number(_max.sequence);
    });
  }

  /** A stored row as a record; INVALID_VALUE for a value no writer of ours stores. */
  protected fromRow(row: Row): Rec {
    const corrupt = (what: string): DbError =>
      new DbError('INVALID_VALUE', `${this.#table.name} ${row.chain}#${row.sequence}: ${what}`);
    const safeNumber = (value: bigint, field: string): number => {
      const number = Number(value);
      if (!Number.isSafeInteger(number)) throw corrupt(`${field}: ${value} is not a safe integer`);
      return number;
    };
    const keys: PersistedRequest = {
      chain: row.chain,
      sequence: safeNumber(row.sequence, 'sequence'),
      state: row.state,
      version: row.version,
      nonce: row.nonce === null ? null : safeNumber(row.nonce, 'nonce'),
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
    return { ...keys, ...this.#table.toFields(row, { corrupt, safeNumber }) } as Rec;
  }

  #toColumns(record: Rec): Columns {
    checkInteger(record.sequence, 'sequence', 0);
    checkInteger(record.version, 'version', 1);
    if (record.nonce !== null) checkInteger(record.nonce, 'nonce', 0);
    const keys: PersistedRequestColumns = {
      chain: record.chain,
      sequence: BigInt(record.sequence),
      state: record.state,
      version: record.version,
      nonce: record.nonce === null ? null : BigInt(record.nonce),
      createdAt: toDate(record.createdAt, 'createdAt'),
      updatedAt: toDate(record.updatedAt, 'updatedAt'),
    };
    return this.#table.toColumns(record, keys);
  }

  #key(columns: PersistedRequestColumns): ChainSequence {
    return { chain_sequence: { chain: columns.chain, sequence: columns.sequence } };
  }

  #name(record: Rec): string {
    return `${this.#table.name} ${record.chain}#${record.sequence}`;
  }
}

export function checkInteger(value: number, field: string, min: number): void {
  if (!Number.isSafeInteger(value) || value < min)
    throw new DbError('INVALID_ARGUMENT', `${field} must be an integer >= ${min}, got ${value}`);
}

export function toDate(value: string, field: string): Date {
  const date = new Date(value);
  // Only the canonical form survives timestamptz(3) unchanged, so nothing else is accepted.
  if (Number.isNaN(date.getTime()) || date.toISOString() !== value) {
    throw new DbError('INVALID_ARGUMENT', `${field} must be RFC 3339 UTC with milliseconds, got ${value}`);
  }
  return date;
}

/** The query of a page of open requests of `chain`: sequence > afterSequence, ascending, at most `limit`. */
export function openRequestsQuery(chain: string, page: RequestPage) {
  checkInteger(page.afterSequence, 'afterSequence', -1);
  checkInteger(page.limit, 'limit', 1);
  return {
    where: {
      chain,
      state: { in: [...OPEN_ANCHOR_REQUEST_STATES] },
      sequence: { gt: BigInt(page.afterSequence) },
    },
    orderBy: { sequence: 'asc' as const },
    take: page.limit,
  };
}
