/** The ReceiptStore on PostgreSQL (or the embedded PGlite) through @anchorpost/db's ReceiptRepository. */
import type { ReceiptRepository, RelayReceiptRecord } from '@anchorpost/db-port';
import type { RelayReceipt } from '@anchorpost/events';
import type { BusPosition, ChainPosition, ReceiptStore, StoredReceipt } from './receipt-store.ts';

function toStored(record: RelayReceiptRecord): StoredReceipt {
  return {
    receipt: {
      version: 1,
      cid: record.cid,
      recipientHash: record.recipientHash,
      acceptedAt: record.acceptedAt,
      sequence: record.sequence,
      relayKeyId: record.relayKeyId,
      signature: record.signature,
    },
    state: record.state,
    published:
      record.busPartition === null || record.busOffset === null
        ? null
        : { partition: record.busPartition, offset: record.busOffset },
    busEndAtSign:
      record.busEndPartition === null || record.busEndOffset === null
        ? null
        : { partition: record.busEndPartition, offset: record.busEndOffset },
    chainPosition:
      record.clientId === null || record.stateBefore === null
        ? null
        : { clientId: record.clientId, stateBefore: record.stateBefore },
    tenantId: record.tenantId,
  };
}

export class PostgresReceiptStore implements ReceiptStore {
  readonly #receipts: ReceiptRepository;

  /** `receipts`: `database.receipts` of an opened @anchorpost/db Database. */
  constructor(receipts: ReceiptRepository) {
    this.#receipts = receipts;
  }

  nextSequence(): Promise<number> {
    return this.#receipts.nextSequence();
  }

  async insert(
    receipt: RelayReceipt,
    busEndAtSign: BusPosition | null,
    chainPosition: ChainPosition,
    tenantId: string,
  ): Promise<{ stored: StoredReceipt; inserted: boolean }> {
    const { record, inserted } = await this.#receipts.insertReceipt({
      cid: receipt.cid,
      sequence: receipt.sequence,
      recipientHash: receipt.recipientHash,
      acceptedAt: receipt.acceptedAt,
      relayKeyId: receipt.relayKeyId,
      signature: receipt.signature,
      busEndPartition: busEndAtSign?.partition ?? null,
      busEndOffset: busEndAtSign?.offset ?? null,
      clientId: chainPosition.clientId,
      stateBefore: chainPosition.stateBefore,
      tenantId,
    });
    return { stored: toStored(record), inserted };
  }

  async getAt(recipientHash: string, chainPosition: ChainPosition): Promise<StoredReceipt | null> {
    const record = await this.#receipts.getReceiptAt({ recipientHash, ...chainPosition });
    return record === null ? null : toStored(record);
  }

  markPublished(cid: string, position: BusPosition): Promise<void> {
    return this.#receipts.markPublished(cid, position);
  }

  async get(cid: string): Promise<StoredReceipt | null> {
    const record = await this.#receipts.getReceipt(cid);
    return record === null ? null : toStored(record);
  }
}
