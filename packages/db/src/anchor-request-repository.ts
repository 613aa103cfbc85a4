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
import { checkInteger, compareAndSwap, openRequestsQuery, toDate } from './request-rows.ts';
import type {
  AnchorRequestState,
  AnchorRequestUpdate,
  RequestPage,
  RequestRowRepository,
} from './request-rows.ts';
import { withDbErrors } from './to-db-error.ts';

export { OPEN_ANCHOR_REQUEST_STATES } from './request-rows.ts';
export type { AnchorRequestState, AnchorRequestUpdate } from './request-rows.ts';

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

export type AnchorRequestRepository = RequestRowRepository<AnchorRequestRecord>;

function toSafeNumber(value: bigint, field: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number))
    throw new DbError('INVALID_VALUE', `${field}: ${value} is not a safe integer`);
  return number;
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

  create(record: AnchorRequestRecord): Promise<AnchorRequestRecord> {
    return withDbErrors('createRequest', async () => {
      // INSERT … ON CONFLICT DO NOTHING: the first writer wins, a second create reads its row.
      await this.#prisma.anchorRequest.createMany({ data: [toColumns(record)], skipDuplicates: true });
      const row = await this.#prisma.anchorRequest.findUniqueOrThrow({
        where: { chain_sequence: { chain: record.chain, sequence: BigInt(record.sequence) } },
      });
      return toRecord(row);
    });
  }

  get(chain: string, sequence: number): Promise<AnchorRequestRecord | null> {
    return withDbErrors('getRequest', async () => {
      checkInteger(sequence, 'sequence', 0);
      const row = await this.#prisma.anchorRequest.findUnique({
        where: { chain_sequence: { chain, sequence: BigInt(sequence) } },
      });
      return row === null ? null : toRecord(row);
    });
  }

  update(record: AnchorRequestRecord): Promise<AnchorRequestUpdate> {
    return withDbErrors('updateRequest', () => {
      const columns = toColumns(record);
      const { chain, sequence } = columns;
      return compareAndSwap(
        () =>
          this.#prisma.anchorRequest.updateMany({
            where: { chain, sequence, version: record.version - 1 },
            // createdAt is set once, by create (undefined leaves a column alone).
            data: { ...columns, createdAt: undefined },
          }),
        () =>
          this.#prisma.anchorRequest.findUnique({
            where: { chain_sequence: { chain, sequence } },
            select: { version: true },
          }),
      );
    });
  }

  listOpen(chain: string, page: RequestPage): Promise<AnchorRequestRecord[]> {
    return withDbErrors('listOpenRequests', async () => {
      const rows = await this.#prisma.anchorRequest.findMany(openRequestsQuery(chain, page));
      return rows.map(toRecord);
    });
  }
}
