/**
 * The anchorer's requests: one row per (chain, sequence) of `anchor_request`, on the persisted
 * request repository (compare-and-swap on `version`, so a second anchorer — or a stale one after
 * a restart — can never overwrite newer state). The row shapes mirror @anchorpost/chains'
 * AnchorRecord field for field without depending on that package; the anchorer maps between the
 * two. Not index data: `truncateAll` leaves it alone (requests cannot be rebuilt from chains + IPFS).
 */
import { Prisma } from './generated/prisma/client.ts';
import type { AnchorRequest as Row, PrismaClient } from './generated/prisma/client.ts';
import { checkInteger, PersistedRequestRepository, toDate } from './persisted-request-repository.ts';
import type {
  PersistedRequest,
  PersistedRequestColumns,
  RequestRowRepository,
  RequestTable,
  RowReader,
} from './persisted-request-repository.ts';

export { OPEN_ANCHOR_REQUEST_STATES } from './persisted-request-repository.ts';
export type { AnchorRequestState, AnchorRequestUpdate } from './persisted-request-repository.ts';

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

export interface AnchorRequestRecord extends PersistedRequest {
  readonly root: string;
  readonly batchCid: string;
  readonly attempts: readonly AnchorAttemptRow[];
  readonly inclusion: AnchorInclusionRow | null;
  readonly confirmations: number;
  readonly lastError: AnchorProblemRow | null;
  readonly failure: AnchorProblemRow | null;
}

export type AnchorRequestRepository = RequestRowRepository<AnchorRequestRecord>;

/** The columns of a record; throws INVALID_ARGUMENT for what the columns could not hold exactly. */
function toColumns(
  record: AnchorRequestRecord,
  keys: PersistedRequestColumns,
): Prisma.AnchorRequestCreateManyInput & PersistedRequestColumns {
  checkInteger(record.confirmations, 'confirmations', 0);
  for (const [index, attempt] of record.attempts.entries()) {
    toDate(attempt.submittedAt, `attempts[${index}].submittedAt`);
  }
  const inclusion = record.inclusion;
  if (inclusion !== null) {
    checkInteger(inclusion.blockNumber, 'inclusion.blockNumber', 0);
    checkInteger(inclusion.logIndex, 'inclusion.logIndex', 0);
  }
  return {
    ...keys,
    root: record.root,
    batchCid: record.batchCid,
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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringField(reader: RowReader, value: Record<string, unknown>, key: string, where: string): string {
  const field = value[key];
  if (typeof field !== 'string') throw reader.corrupt(`${where}.${key} is not a string`);
  return field;
}

function toProblem(reader: RowReader, value: unknown, where: string): AnchorProblemRow | null {
  if (value === null) return null;
  if (!isObject(value)) throw reader.corrupt(`${where} is not an object`);
  return {
    code: stringField(reader, value, 'code', where),
    message: stringField(reader, value, 'message', where),
    at: stringField(reader, value, 'at', where),
  };
}

function toAttempts(row: Row, reader: RowReader): AnchorAttemptRow[] {
  if (!Array.isArray(row.attempts)) throw reader.corrupt('attempts is not an array');
  return row.attempts.map((value, index) => {
    const where = `attempts[${index}]`;
    if (!isObject(value) || !isObject(value['fees'])) throw reader.corrupt(`${where} is malformed`);
    const fees: Record<string, string> = {};
    for (const [name, fee] of Object.entries(value['fees'])) {
      if (typeof fee !== 'string') throw reader.corrupt(`${where}.fees.${name} is not a string`);
      fees[name] = fee;
    }
    return {
      txHash: stringField(reader, value, 'txHash', where),
      rawTransaction: stringField(reader, value, 'rawTransaction', where),
      fees,
      submittedAt: stringField(reader, value, 'submittedAt', where),
    };
  });
}

function toInclusion(row: Row, reader: RowReader): AnchorInclusionRow | null {
  const { txHash, blockNumber, blockHash, blockTime, logIndex, adopted } = row;
  if (txHash === null || blockNumber === null || blockHash === null || blockTime === null) return null;
  if (logIndex === null || adopted === null) throw reader.corrupt('inclusion is incomplete');
  return {
    txHash,
    blockNumber: reader.safeNumber(blockNumber, 'block_number'),
    blockHash,
    blockTime: blockTime.toISOString(),
    logIndex,
    adopted,
  };
}

/** `anchor_request`: every field of the record a column of its own. */
const ANCHOR_REQUEST_TABLE: RequestTable<
  AnchorRequestRecord,
  Row,
  Prisma.AnchorRequestCreateManyInput & PersistedRequestColumns
> = {
  name: 'anchor_request',
  noun: 'Request',
  delegate: (prisma) => prisma.anchorRequest,
  toColumns,
  toFields: (row, reader) => ({
    root: row.root,
    batchCid: row.batchCid,
    attempts: toAttempts(row, reader),
    inclusion: toInclusion(row, reader),
    confirmations: row.confirmations,
    lastError: toProblem(reader, row.lastError, 'last_error'),
    failure: toProblem(reader, row.failure, 'failure'),
  }),
};

export class PrismaAnchorRequestRepository
  extends PersistedRequestRepository<
    AnchorRequestRecord,
    Row,
    Prisma.AnchorRequestCreateManyInput & PersistedRequestColumns
  >
  implements AnchorRequestRepository
{
  constructor(prisma: PrismaClient) {
    super(prisma, ANCHOR_REQUEST_TABLE);
  }
}
