/**
 * The relay's receipts: one signed receipt per accepted tx-file CID, with the state of its
 * publication on the bus, so a relay that crashed between "signed" and "published" can finish the
 * job on a retry without signing a second receipt. One receipt per chain position as well
 * (recipient hash, client id, state before): a second tx-file there forks the client's state
 * chain, and the unique index refuses it whichever relay process tries. Not index data:
 * `truncateAll` leaves it alone (receipts cannot be rebuilt from chains + IPFS).
 */
import { DbError } from '@anchorpost/db-port';
import type {
  ChainPositionKey,
  NewRelayReceipt,
  PublishedReceipt,
  ReceiptRepository,
  RelayReceiptRecord,
} from '@anchorpost/db-port';
import type { PrismaClient, RelayReceipt } from './generated/prisma/client.ts';
import { toDbError, withDbErrors } from './to-db-error.ts';

function toSafeNumber(value: bigint): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number)) throw new DbError('INVALID_VALUE', `${value} is not a safe integer`);
  return number;
}

function toRecord(row: RelayReceipt): RelayReceiptRecord {
  return {
    cid: row.cid,
    sequence: toSafeNumber(row.sequence),
    recipientHash: row.recipientHash,
    acceptedAt: row.acceptedAt.toISOString(),
    relayKeyId: row.relayKeyId,
    signature: row.signature,
    state: row.state,
    busPartition: row.busPartition,
    busOffset: row.busOffset === null ? null : toSafeNumber(row.busOffset),
    busEndPartition: row.busEndPartition,
    busEndOffset: row.busEndOffset === null ? null : toSafeNumber(row.busEndOffset),
    clientId: row.clientId,
    stateBefore: row.stateBefore,
    tenantId: row.tenantId,
  };
}

/** Why `receipt` cannot be stored (INVALID_ARGUMENT), or null. */
function newReceiptProblem(receipt: NewRelayReceipt): DbError | null {
  const acceptedAt = new Date(receipt.acceptedAt);
  if (Number.isNaN(acceptedAt.getTime()) || acceptedAt.toISOString() !== receipt.acceptedAt) {
    return new DbError(
      'INVALID_ARGUMENT',
      `acceptedAt must be RFC 3339 UTC with milliseconds, got ${receipt.acceptedAt}`,
    );
  }
  if (!Number.isSafeInteger(receipt.sequence) || receipt.sequence < 1) {
    return new DbError('INVALID_ARGUMENT', `sequence must be a positive integer, got ${receipt.sequence}`);
  }
  const busEndPartition = receipt.busEndPartition ?? null;
  const busEndOffset = receipt.busEndOffset ?? null;
  if ((busEndPartition === null) !== (busEndOffset === null)) {
    return new DbError(
      'INVALID_ARGUMENT',
      'busEndPartition and busEndOffset are given together or not at all',
    );
  }
  for (const [name, value] of [
    ['busEndPartition', busEndPartition],
    ['busEndOffset', busEndOffset],
  ] as const) {
    if (value !== null && (!Number.isSafeInteger(value) || value < 0)) {
      return new DbError('INVALID_ARGUMENT', `${name} must be a non-negative integer, got ${value}`);
    }
  }
  const clientId = receipt.clientId ?? null;
  const stateBefore = receipt.stateBefore ?? null;
  if ((clientId === null) !== (stateBefore === null) || clientId === '' || stateBefore === '') {
    return new DbError(
      'INVALID_ARGUMENT',
      'clientId and stateBefore are given together, non-empty, or not at all',
    );
  }
  return null;
}

const positionKey = (recipientHash: string, clientId: string | null, stateBefore: string | null) =>
  clientId === null || stateBefore === null ? null : `${recipientHash}/${clientId}/${stateBefore}`;

function positionsOf(receipts: readonly NewRelayReceipt[]): ChainPositionKey[] {
  return receipts.flatMap(({ recipientHash, clientId, stateBefore }) =>
    clientId == null || stateBefore == null ? [] : [{ recipientHash, clientId, stateBefore }],
  );
}

/** Rows whose CID is one of `cids` or that hold one of `positions` (the chain-position index). */
function lookupFilter(cids: readonly string[], positions: readonly ChainPositionKey[]) {
  return [
    ...(cids.length === 0 ? [] : [{ cid: { in: [...cids] } }]),
    ...positions.map(({ recipientHash, clientId, stateBefore }) => ({
      recipientHash,
      clientId,
      stateBefore,
    })),
  ];
}

export class PrismaReceiptRepository implements ReceiptRepository {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  nextSequences(count: number): Promise<number[]> {
    if (!Number.isSafeInteger(count) || count < 1 || count > 100_000) {
      return Promise.reject(new DbError('INVALID_ARGUMENT', `count must be in 1…100000, got ${count}`));
    }
    return withDbErrors('nextSequences', async () => {
      const rows = await this.#prisma.$queryRaw<{ value: bigint }[]>`
        SELECT nextval(pg_get_serial_sequence('relay_receipt', 'sequence')) AS value
        FROM generate_series(1, ${count}::int)`;
      return rows.map((row) => toSafeNumber(row.value)).sort((a, b) => a - b);
    });
  }

  nextSequence(): Promise<number> {
    return withDbErrors('nextSequence', async () => {
      const rows = await this.#prisma.$queryRaw<{ value: bigint }[]>`
        SELECT nextval(pg_get_serial_sequence('relay_receipt', 'sequence')) AS value`;
      return toSafeNumber(rows[0]!.value);
    });
  }

  insertReceipt(receipt: NewRelayReceipt): Promise<{ record: RelayReceiptRecord; inserted: boolean }> {
    const problem = newReceiptProblem(receipt);
    if (problem !== null) return Promise.reject(problem);
    const clientId = receipt.clientId ?? null;
    const stateBefore = receipt.stateBefore ?? null;
    const busEndPartition = receipt.busEndPartition ?? null;
    const busEndOffset = receipt.busEndOffset ?? null;
    return withDbErrors('insertReceipt', async () => {
      // ON CONFLICT on the CID only: a reused sequence must still fail (UNIQUE_VIOLATION), and a
      // taken chain position is told apart below.
      let count: number;
      try {
        count = await this.#prisma.$executeRaw`
          INSERT INTO "relay_receipt" ("cid", "sequence", "recipient_hash", "accepted_at", "relay_key_id", "signature",
                                       "bus_end_partition", "bus_end_offset", "client_id", "state_before",
                                       "tenant_id")
          VALUES (${receipt.cid}, ${BigInt(receipt.sequence)}, ${receipt.recipientHash},
                  ${receipt.acceptedAt}::timestamptz, ${receipt.relayKeyId}, ${receipt.signature},
                  ${busEndPartition}::int, ${busEndOffset === null ? null : BigInt(busEndOffset)}::bigint,
                  ${clientId}::text, ${stateBefore}::text, ${receipt.tenantId ?? null}::text)
          ON CONFLICT ("cid") DO NOTHING`;
      } catch (error) {
        // Rows are never deleted, so the holder of a position that made the insert fail is there.
        const failure = toDbError(error);
        if (failure.code !== 'UNIQUE_VIOLATION' || clientId === null || stateBefore === null) throw failure;
        const holder = await this.#rowAt({ recipientHash: receipt.recipientHash, clientId, stateBefore });
        if (holder === null || holder.cid === receipt.cid) throw failure;
        return { record: toRecord(holder), inserted: false };
      }
      const row = await this.#prisma.relayReceipt.findUniqueOrThrow({ where: { cid: receipt.cid } });
      return { record: toRecord(row), inserted: count === 1 };
    });
  }

  insertReceipts(
    receipts: readonly NewRelayReceipt[],
  ): Promise<{ record: RelayReceiptRecord; inserted: boolean }[]> {
    for (const receipt of receipts) {
      const problem = newReceiptProblem(receipt);
      if (problem !== null) return Promise.reject(problem);
    }
    if (receipts.length === 0) return Promise.resolve([]);
    const cids = receipts.map((receipt) => receipt.cid);
    if (new Set(cids).size !== cids.length) {
      return Promise.reject(new DbError('INVALID_ARGUMENT', 'the receipts of one insert have distinct CIDs'));
    }
    return withDbErrors('insertReceipts', () =>
      this.#prisma.$transaction(async (tx) => {
        // ON CONFLICT without a target: a row whose CID or chain position is taken is skipped and
        // told apart below; a skipped row that is neither is a reused sequence, which rolls all back.
        const insertedRows = await tx.$queryRaw<{ cid: string }[]>`
          INSERT INTO "relay_receipt" ("cid", "sequence", "recipient_hash", "accepted_at", "relay_key_id", "signature",
                                       "bus_end_partition", "bus_end_offset", "client_id", "state_before",
                                       "tenant_id")
          SELECT * FROM unnest(
            ${cids}::text[],
            ${receipts.map((r) => BigInt(r.sequence))}::int8[],
            ${receipts.map((r) => r.recipientHash)}::text[],
            ${receipts.map((r) => r.acceptedAt)}::timestamptz[],
            ${receipts.map((r) => r.relayKeyId)}::text[],
            ${receipts.map((r) => r.signature)}::text[],
            ${receipts.map((r) => r.busEndPartition ?? null)}::int4[],
            ${receipts.map((r) => (r.busEndOffset == null ? null : BigInt(r.busEndOffset)))}::int8[],
            ${receipts.map((r) => r.clientId ?? null)}::text[],
            ${receipts.map((r) => r.stateBefore ?? null)}::text[],
            ${receipts.map((r) => r.tenantId ?? null)}::text[])
          ON CONFLICT DO NOTHING
          RETURNING "cid"`;
        const inserted = new Set(insertedRows.map((row) => row.cid));
        const rows = await tx.relayReceipt.findMany({
          where: { OR: lookupFilter(cids, positionsOf(receipts)) },
        });
        const byCid = new Map(rows.map((row) => [row.cid, row]));
        const byPosition = new Map(
          rows.map((row) => [positionKey(row.recipientHash, row.clientId, row.stateBefore), row]),
        );
        return receipts.map((receipt) => {
          const own = byCid.get(receipt.cid);
          if (own !== undefined) return { record: toRecord(own), inserted: inserted.has(receipt.cid) };
          const key = positionKey(
            receipt.recipientHash,
            receipt.clientId ?? null,
            receipt.stateBefore ?? null,
          );
          const holder = key === null ? undefined : byPosition.get(key);
          if (holder !== undefined) return { record: toRecord(holder), inserted: false };
          throw new DbError('UNIQUE_VIOLATION', `sequence ${receipt.sequence} is already used`);
        });
      }),
    );
  }

  findReceipts(
    cids: readonly string[],
    positions: readonly ChainPositionKey[],
  ): Promise<RelayReceiptRecord[]> {
    if (cids.length === 0 && positions.length === 0) return Promise.resolve([]);
    return withDbErrors('findReceipts', async () => {
      const rows = await this.#prisma.relayReceipt.findMany({ where: { OR: lookupFilter(cids, positions) } });
      return rows.map(toRecord);
    });
  }

  getReceiptAt(position: ChainPositionKey): Promise<RelayReceiptRecord | null> {
    return withDbErrors('getReceiptAt', async () => {
      const row = await this.#rowAt(position);
      return row === null ? null : toRecord(row);
    });
  }

  #rowAt({ recipientHash, clientId, stateBefore }: ChainPositionKey): Promise<RelayReceipt | null> {
    // The unique index relay_receipt_chain_position_key: one row at most.
    return this.#prisma.relayReceipt.findFirst({ where: { recipientHash, clientId, stateBefore } });
  }

  markPublished(cid: string, position: { partition: number; offset: number }): Promise<void> {
    return withDbErrors('markPublished', async () => {
      const { count } = await this.#prisma.relayReceipt.updateMany({
        where: { cid, state: 'signed' },
        data: { state: 'published', busPartition: position.partition, busOffset: BigInt(position.offset) },
      });
      if (count === 0 && (await this.#prisma.relayReceipt.count({ where: { cid } })) === 0) {
        throw new DbError('NOT_FOUND', `no relay receipt for ${cid}`);
      }
    });
  }

  markPublishedMany(published: readonly PublishedReceipt[]): Promise<void> {
    for (const { partition, offset } of published) {
      if (!Number.isSafeInteger(partition) || partition < 0 || !Number.isSafeInteger(offset) || offset < 0) {
        return Promise.reject(
          new DbError(
            'INVALID_ARGUMENT',
            `a bus position is non-negative integers, got ${partition}/${offset}`,
          ),
        );
      }
    }
    if (published.length === 0) return Promise.resolve();
    return withDbErrors('markPublishedMany', async () => {
      // Only receipts still `signed`: a second call keeps the first position, as markPublished.
      const marked = await this.#prisma.$queryRaw<{ cid: string }[]>`
        UPDATE "relay_receipt" AS r
        SET "state" = 'published'::"RelayReceiptState", "bus_partition" = v.partition, "bus_offset" = v.bus_offset
        FROM unnest(
          ${published.map((p) => p.cid)}::text[],
          ${published.map((p) => p.partition)}::int4[],
          ${published.map((p) => BigInt(p.offset))}::int8[]) AS v(cid, partition, bus_offset)
        WHERE r."cid" = v.cid AND r."state" = 'signed'::"RelayReceiptState"
        RETURNING r."cid"`;
      if (marked.length === published.length) return;
      const done = new Set(marked.map((row) => row.cid));
      const rest = published.map((p) => p.cid).filter((cid) => !done.has(cid));
      const found = await this.#prisma.relayReceipt.count({ where: { cid: { in: rest } } });
      if (found < new Set(rest).size)
        throw new DbError('NOT_FOUND', `no relay receipt for one of ${rest.join(', ')}`);
    });
  }

  getReceipt(cid: string): Promise<RelayReceiptRecord | null> {
    return withDbErrors('getReceipt', async () => {
      const row = await this.#prisma.relayReceipt.findUnique({ where: { cid } });
      return row === null ? null : toRecord(row);
    });
  }
}
