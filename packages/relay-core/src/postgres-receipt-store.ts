/** The ReceiptStore on PostgreSQL (or the embedded PGlite) through @anchorpost/db's ReceiptRepository. */
import type { NewRelayReceipt, ReceiptRepository, RelayReceiptRecord } from '@anchorpost/db-port';
import type { RelayReceipt } from '@anchorpost/events';
import type {
  BusPosition,
  ChainPosition,
  GroupChainPosition,
  NewReceipt,
  ReceiptStore,
  StoredReceipt,
} from './receipt-store.ts';

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

function toNewRecord({ receipt, busEndAtSign, chainPosition, tenantId }: NewReceipt): NewRelayReceipt {
  return {
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

  nextSequences(count: number): Promise<number[]> {
    return this.#receipts.nextSequences(count);
  }

  async insertMany(receipts: readonly NewReceipt[]): Promise<{ stored: StoredReceipt; inserted: boolean }[]> {
    const results = await this.#receipts.insertReceipts(receipts.map(toNewRecord));
    return results.map(({ record, inserted }) => ({ stored: toStored(record), inserted }));
  }

  async find(cids: readonly string[], positions: readonly GroupChainPosition[]): Promise<StoredReceipt[]> {
    const records = await this.#receipts.findReceipts(
      cids,
      positions.map(({ recipientHash, chainPosition }) => ({ recipientHash, ...chainPosition })),
    );
    return records.map(toStored);
  }

  markPublishedMany(published: readonly { cid: string; position: BusPosition }[]): Promise<void> {
    return this.#receipts.markPublishedMany(published.map(({ cid, position }) => ({ cid, ...position })));
  }

  async insert(
    receipt: RelayReceipt,
    busEndAtSign: BusPosition | null,
    chainPosition: ChainPosition,
    tenantId: string,
  ): Promise<{ stored: StoredReceipt; inserted: boolean }> {
    const { record, inserted } = await this.#receipts.insertReceipt(
      toNewRecord({ receipt, busEndAtSign, chainPosition, tenantId }),
    );
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
