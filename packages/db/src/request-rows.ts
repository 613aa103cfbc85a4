/**
 * What the tables of persisted engine requests share — the anchorer's `anchor_request` and the
 * sponsor's `sponsor_transaction`: one row per (chain, sequence), the engine's states, open pages
 * in sequence order, and writes only by compare-and-swap on `version`, so a stale writer (after a
 * restart, a lost leadership) can never overwrite newer state.
 */
import { DbError } from '@anchorpost/db-port';

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

/**
 * A compare-and-swap write: `write` is one UPDATE … WHERE version = n - 1; when it changed no row,
 * `storedVersion` tells a stale write from a missing row.
 */
export async function compareAndSwap(
  write: () => Promise<{ count: number }>,
  storedVersion: () => Promise<{ version: number } | null>,
): Promise<AnchorRequestUpdate> {
  const { count } = await write();
  if (count === 1) return { outcome: 'updated' };
  const stored = await storedVersion();
  return stored === null ? { outcome: 'missing' } : { outcome: 'stale', storedVersion: stored.version };
}
