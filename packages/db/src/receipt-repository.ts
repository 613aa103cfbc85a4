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

export class PrismaReceiptRepository implements ReceiptRepository {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  nextSequence(): Promise<number> {
    return withDbErrors('nextSequence', async () => {
      const rows = await this.#prisma.$queryRaw<{ value: bigint }[]>`
        SELECT nextval(pg_get_serial_sequence('relay_receipt', 'sequence')) AS value`;
      return toSafeNumber(rows[0]!.value);
    });
  }

  insertReceipt(receipt: NewRelayReceipt): Promise<{ record: RelayReceiptRecord; inserted: boolean }> {
    const acceptedAt = new Date(receipt.acceptedAt);
    if (Number.isNaN(acceptedAt.getTime()) || acceptedAt.toISOString() !== receipt.acceptedAt) {
      return Promise.reject(
        new DbError(
          'INVALID_ARGUMENT',
          `acceptedAt must be RFC 3339 UTC with milliseconds, got ${receipt.acceptedAt}`,
        ),
      );
    }
    if (!Number.isSafeInteger(receipt.sequence) || receipt.sequence < 1) {
      return Promise.reject(
        new DbError('INVALID_ARGUMENT', `sequence must be a positive integer, got ${receipt.sequence}`),
      );
    }
    const busEndPartition = receipt.busEndPartition ?? null;
    const busEndOffset = receipt.busEndOffset ?? null;
    if ((busEndPartition === null) !== (busEndOffset === null)) {
      return Promise.reject(
        new DbError('INVALID_ARGUMENT', 'busEndPartition and busEndOffset are given together or not at all'),
      );
    }
    for (const [name, value] of [
      ['busEndPartition', busEndPartition],
      ['busEndOffset', busEndOffset],
    ] as const) {
      if (value !== null && (!Number.isSafeInteger(value) || value < 0)) {
        return Promise.reject(
          new DbError('INVALID_ARGUMENT', `${name} must be a non-negative integer, got ${value}`),
        );
      }
    }
    const clientId = receipt.clientId ?? null;
    const stateBefore = receipt.stateBefore ?? null;
    if ((clientId === null) !== (stateBefore === null) || clientId === '' || stateBefore === '') {
      return Promise.reject(
        new DbError(
          'INVALID_ARGUMENT',
          'clientId and stateBefore are given together, non-empty, or not at all',
        ),
      );
    }
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

  getReceipt(cid: string): Promise<RelayReceiptRecord | null> {
    return withDbErrors('getReceipt', async () => {
      const row = await this.#prisma.relayReceipt.findUnique({ where: { cid } });
      return row === null ? null : toRecord(row);
    });
  }
}
