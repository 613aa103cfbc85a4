/**
 * The relay's receipts: one signed receipt per accepted tx-file CID, with the state of its
 * publication on the bus, so a relay that crashed between "signed" and "published" can finish the
 * job on a retry without signing a second receipt. Not index data: `truncateAll` leaves it alone
 * (receipts cannot be rebuilt from chains + IPFS).
 */
import { DbError } from './db-error.ts';
import type { PrismaClient, RelayReceipt } from './generated/prisma/client.ts';
import { withDbErrors } from './to-db-error.ts';

/** signed: bytes stored and receipt signed; published: the bus record is durable. */
export type RelayReceiptState = 'signed' | 'published';

export interface RelayReceiptRecord {
  cid: string;
  sequence: number;
  /** 128 hex: the tx-file's `recipient.sha512hash`. */
  recipientHash: string;
  /** RFC 3339 UTC with milliseconds. */
  acceptedAt: string;
  relayKeyId: string;
  signature: string;
  state: RelayReceiptState;
  /** Where the bus put the accepted record; null until published. */
  busPartition: number | null;
  busOffset: number | null;
  /**
   * The end offset of the recipient's partition read just before signing (both null for receipts
   * stored without it): a retry of a receipt still `signed` looks for its record from there.
   */
  busEndPartition: number | null;
  busEndOffset: number | null;
}

export type NewRelayReceipt = Omit<
  RelayReceiptRecord,
  'state' | 'busPartition' | 'busOffset' | 'busEndPartition' | 'busEndOffset'
> &
  Partial<Pick<RelayReceiptRecord, 'busEndPartition' | 'busEndOffset'>>;

export interface ReceiptRepository {
  /** A new relay sequence number, larger than every one handed out before (gaps are possible). */
  nextSequence(): Promise<number>;
  /**
   * Stores the receipt in state `signed` unless the CID already has one; returns the stored
   * receipt either way (the first writer wins) and whether this call inserted it.
   */
  insertReceipt(receipt: NewRelayReceipt): Promise<{ record: RelayReceiptRecord; inserted: boolean }>;
  /** Moves the receipt to `published` with its bus position; a second call keeps the first position. NOT_FOUND without a receipt. */
  markPublished(cid: string, position: { partition: number; offset: number }): Promise<void>;
  getReceipt(cid: string): Promise<RelayReceiptRecord | null>;
}

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
    return withDbErrors('insertReceipt', async () => {
      // ON CONFLICT on the CID only: a reused sequence must still fail (UNIQUE_VIOLATION).
      const count = await this.#prisma.$executeRaw`
        INSERT INTO "relay_receipt" ("cid", "sequence", "recipient_hash", "accepted_at", "relay_key_id", "signature",
                                     "bus_end_partition", "bus_end_offset")
        VALUES (${receipt.cid}, ${BigInt(receipt.sequence)}, ${receipt.recipientHash},
                ${receipt.acceptedAt}::timestamptz, ${receipt.relayKeyId}, ${receipt.signature},
                ${busEndPartition}::int, ${busEndOffset === null ? null : BigInt(busEndOffset)}::bigint)
        ON CONFLICT ("cid") DO NOTHING`;
      const row = await this.#prisma.relayReceipt.findUniqueOrThrow({ where: { cid: receipt.cid } });
      return { record: toRecord(row), inserted: count === 1 };
    });
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
