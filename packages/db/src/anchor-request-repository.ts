/**
 * The anchorer's requests: one row per (chain, sequence), written only by compare-and-swap on
 * `version`, so a second anchorer (or a stale one after a restart) can never overwrite newer
 * state. The row shapes mirror @anchorpost/chains' AnchorRecord field for field without
 * depending on that package; the anchorer maps between the two. Not index data: `truncateAll`
 * leaves it alone (requests cannot be rebuilt from chains + IPFS).
 */
import { DbError } from '@anchorpost/db-port';
import { Prisma } from './generated/prisma/client.ts';
import type { AnchorRequest as Row, PrismaClient } from './generated/prisma/client.ts';
import { withDbErrors } from './to-db-error.ts';

export type AnchorRequestState = 'pending' | 'submitted' | 'mined' | 'confirmed' | 'finalized' | 'failed';

/** The states the anchorer still works on (`finalized` and `failed` are at rest). */
export const OPEN_ANCHOR_REQUEST_STATES: readonly AnchorRequestState[] = [
  'pending',
  'submitted',
  'mined',
  'confirmed',
];

export interface AnchorAttemptRow {
  readonly txHash: string;
  readonly rawTransaction: string;
  /** Fee fields as decimal strings (EVM: maxFeePerGas, maxPriorityFeePerGas, gasLimit). */
  readonly fees: Readonly<Record<string, string>>;
  /** RFC 3339 UTC. */
  readonly submittedAt: string;
}

export interface AnchorInclusionRow {
  readonly txHash: string;
  readonly blockNumber: number;
  readonly blockHash: string;
  /** RFC 3339 UTC with milliseconds. */
  readonly blockTime: string;
  readonly logIndex: number;
  readonly adopted: boolean;
}

export interface AnchorProblemRow {
  readonly code: string;
  readonly message: string;
  readonly at: string;
}

export interface AnchorRequestRecord {
  readonly chain: string;
  readonly sequence: number;
  readonly root: string;
  readonly batchCid: string;
  readonly state: AnchorRequestState;
  readonly version: number;
  /** RFC 3339 UTC with milliseconds. */
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly nonce: number | null;
  readonly attempts: readonly AnchorAttemptRow[];
  readonly inclusion: AnchorInclusionRow | null;
  readonly confirmations: number;
  readonly lastError: AnchorProblemRow | null;
  readonly failure: AnchorProblemRow | null;
}

/** What a compare-and-swap write did: stored, refused (another version is stored) or no such row. */
export type AnchorRequestUpdate =
  | { readonly outcome: 'updated' }
  | { readonly outcome: 'stale'; readonly storedVersion: number }
  | { readonly outcome: 'missing' };

export interface AnchorRequestRepository {
  /** Stores the record unless (chain, sequence) exists; returns what is stored either way. */
  createRequest(record: AnchorRequestRecord): Promise<AnchorRequestRecord>;
  getRequest(chain: string, sequence: number): Promise<AnchorRequestRecord | null>;
  /** Stores `record` only where the stored version is `record.version - 1` (one UPDATE … WHERE version = n - 1). */
  updateRequest(record: AnchorRequestRecord): Promise<AnchorRequestUpdate>;
  /** Open requests of `chain` with sequence > afterSequence, ascending, at most `limit`. */
  listOpenRequests(
    chain: string,
    page: { afterSequence: number; limit: number },
  ): Promise<AnchorRequestRecord[]>;
}

function invalid(message: string): DbError {
  return new DbError('INVALID_ARGUMENT', message);
}

function toDate(value: string, field: string): Date {
  const date = new Date(value);
  // Only the canonical form survives timestamptz(3) unchanged, so nothing else is accepted.
  if (Number.isNaN(date.getTime()) || date.toISOString() !== value) {
    throw invalid(`${field} must be RFC 3339 UTC with milliseconds, got ${value}`);
  }
  return date;
}

function toSafeNumber(value: bigint, field: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number))
    throw new DbError('INVALID_VALUE', `${field}: ${value} is not a safe integer`);
  return number;
}

function checkInteger(value: number, field: string, min: number): void {
  if (!Number.isSafeInteger(value) || value < min)
    throw invalid(`${field} must be an integer >= ${min}, got ${value}`);
}

/** The columns of a record; throws INVALID_ARGUMENT for what the columns could not hold exactly. */
function toColumns(record: AnchorRequestRecord): Prisma.AnchorRequestCreateManyInput {
  checkInteger(record.sequence, 'sequence', 0);
  checkInteger(record.version, 'version', 1);
  checkInteger(record.confirmations, 'confirmations', 0);
  if (record.nonce !== null) checkInteger(record.nonce, 'nonce', 0);
  for (const [index, attempt] of record.attempts.entries()) {
    toDate(attempt.submittedAt, `attempts[${index}].submittedAt`);
  }
  const inclusion = record.inclusion;
  if (inclusion !== null) {
    checkInteger(inclusion.blockNumber, 'inclusion.blockNumber', 0);
    checkInteger(inclusion.logIndex, 'inclusion.logIndex', 0);
  }
  return {
    chain: record.chain,
    sequence: BigInt(record.sequence),
    root: record.root,
    batchCid: record.batchCid,
    state: record.state,
    version: record.version,
    createdAt: toDate(record.createdAt, 'createdAt'),
    updatedAt: toDate(record.updatedAt, 'updatedAt'),
    nonce: record.nonce === null ? null : BigInt(record.nonce),
    attempts: record.attempts.map((attempt) => ({
      txHash: attempt.txHash,
      rawTransaction: attempt.rawTransaction,
      fees: { ...attempt.fees },
      submittedAt: attempt.submittedAt,
    })),
    txHash: inclusion?.txHash ?? null,
    blockNumber: inclusion === null ? null : BigInt(inclusion.blockNumber),
    blockHash: inclusion?.blockHash ?? null,
    blockTime: inclusion === null ? null : toDate(inclusion.blockTime, 'inclusion.blockTime'),
    logIndex: inclusion?.logIndex ?? null,
    adopted: inclusion?.adopted ?? null,
    confirmations: record.confirmations,
    lastError: problemJson(record.lastError),
    failure: problemJson(record.failure),
  };
}

function problemJson(problem: AnchorProblemRow | null): Prisma.InputJsonValue | typeof Prisma.DbNull {
  // SQL NULL, not the JSON value null.
  return problem === null ? Prisma.DbNull : { code: problem.code, message: problem.message, at: problem.at };
}

function corrupt(row: Row, what: string): DbError {
  return new DbError('INVALID_VALUE', `anchor_request ${row.chain}#${row.sequence}: ${what}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringField(row: Row, value: Record<string, unknown>, key: string, where: string): string {
  const field = value[key];
  if (typeof field !== 'string') throw corrupt(row, `${where}.${key} is not a string`);
  return field;
}

function toProblem(row: Row, value: unknown, where: string): AnchorProblemRow | null {
  if (value === null) return null;
  if (!isObject(value)) throw corrupt(row, `${where} is not an object`);
  return {
    code: stringField(row, value, 'code', where),
    message: stringField(row, value, 'message', where),
    at: stringField(row, value, 'at', where),
  };
}

function toAttempts(row: Row): AnchorAttemptRow[] {
  if (!Array.isArray(row.attempts)) throw corrupt(row, 'attempts is not an array');
  return row.attempts.map((value, index) => {
    const where = `attempts[${index}]`;
    if (!isObject(value) || !isObject(value['fees'])) throw corrupt(row, `${where} is malformed`);
    const fees: Record<string, string> = {};
    for (const [name, fee] of Object.entries(value['fees'])) {
      if (typeof fee !== 'string') throw corrupt(row, `${where}.fees.${name} is not a string`);
      fees[name] = fee;
    }
    return {
      txHash: stringField(row, value, 'txHash', where),
      rawTransaction: stringField(row, value, 'rawTransaction', where),
      fees,
      submittedAt: stringField(row, value, 'submittedAt', where),
    };
  });
}

function toInclusion(row: Row): AnchorInclusionRow | null {
  const { txHash, blockNumber, blockHash, blockTime, logIndex, adopted } = row;
  if (txHash === null || blockNumber === null || blockHash === null || blockTime === null) return null;
  if (logIndex === null || adopted === null) throw corrupt(row, 'inclusion is incomplete');
  return {
    txHash,
    blockNumber: toSafeNumber(blockNumber, 'block_number'),
    blockHash,
    blockTime: blockTime.toISOString(),
    logIndex,
    adopted,
  };
}

function toRecord(row: Row): AnchorRequestRecord {
  return {
    chain: row.chain,
    sequence: toSafeNumber(row.sequence, 'sequence'),
    root: row.root,
    batchCid: row.batchCid,
    state: row.state,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    nonce: row.nonce === null ? null : toSafeNumber(row.nonce, 'nonce'),
    attempts: toAttempts(row),
    inclusion: toInclusion(row),
    confirmations: row.confirmations,
    lastError: toProblem(row, row.lastError, 'last_error'),
    failure: toProblem(row, row.failure, 'failure'),
  };
}

export class PrismaAnchorRequestRepository implements AnchorRequestRepository {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  createRequest(record: AnchorRequestRecord): Promise<AnchorRequestRecord> {
    return withDbErrors('createRequest', async () => {
      // INSERT … ON CONFLICT DO NOTHING: the first writer wins, a second create reads its row.
      await this.#prisma.anchorRequest.createMany({ data: [toColumns(record)], skipDuplicates: true });
      const row = await this.#prisma.anchorRequest.findUniqueOrThrow({
        where: { chain_sequence: { chain: record.chain, sequence: BigInt(record.sequence) } },
      });
      return toRecord(row);
    });
  }

  getRequest(chain: string, sequence: number): Promise<AnchorRequestRecord | null> {
    return withDbErrors('getRequest', async () => {
      checkInteger(sequence, 'sequence', 0);
      const row = await this.#prisma.anchorRequest.findUnique({
        where: { chain_sequence: { chain, sequence: BigInt(sequence) } },
      });
      return row === null ? null : toRecord(row);
    });
  }

  updateRequest(record: AnchorRequestRecord): Promise<AnchorRequestUpdate> {
    return withDbErrors('updateRequest', async () => {
      const columns = toColumns(record);
      const { chain, sequence } = columns;
      const { count } = await this.#prisma.anchorRequest.updateMany({
        where: { chain, sequence, version: record.version - 1 },
        // createdAt is set once, by create (undefined leaves a column alone).
        data: { ...columns, createdAt: undefined },
      });
      if (count === 1) return { outcome: 'updated' } as const;
      const stored = await this.#prisma.anchorRequest.findUnique({
        where: { chain_sequence: { chain, sequence } },
        select: { version: true },
      });
      return stored === null
        ? ({ outcome: 'missing' } as const)
        : ({ outcome: 'stale', storedVersion: stored.version } as const);
    });
  }

  listOpenRequests(
    chain: string,
    page: { afterSequence: number; limit: number },
  ): Promise<AnchorRequestRecord[]> {
    return withDbErrors('listOpenRequests', async () => {
      checkInteger(page.afterSequence, 'afterSequence', -1);
      checkInteger(page.limit, 'limit', 1);
      const rows = await this.#prisma.anchorRequest.findMany({
        where: {
          chain,
          state: { in: [...OPEN_ANCHOR_REQUEST_STATES] },
          sequence: { gt: BigInt(page.afterSequence) },
        },
        orderBy: { sequence: 'asc' },
        take: page.limit,
      });
      return rows.map(toRecord);
    });
  }
}
