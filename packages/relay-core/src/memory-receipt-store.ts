/** An in-process ReceiptStore for unit tests and throw-away relays: nothing survives a restart. */
import type { RelayReceipt } from '@anchorpost/events';
import type {
  BusPosition,
  ChainPosition,
  GroupChainPosition,
  NewReceipt,
  ReceiptStore,
  StoredReceipt,
} from './receipt-store.ts';
import { DbError } from '@anchorpost/db-port';

function copy(stored: StoredReceipt): StoredReceipt {
  return {
    receipt: { ...stored.receipt },
    state: stored.state,
    published: stored.published === null ? null : { ...stored.published },
    busEndAtSign: stored.busEndAtSign === null ? null : { ...stored.busEndAtSign },
    chainPosition: stored.chainPosition === null ? null : { ...stored.chainPosition },
    tenantId: stored.tenantId,
  };
}

function positionKey(recipientHash: string, { clientId, stateBefore }: ChainPosition): string {
  return `${recipientHash}/${clientId}/${stateBefore}`;
}

export class MemoryReceiptStore implements ReceiptStore {
  readonly #receipts = new Map<string, StoredReceipt>();
  /** The CID holding each chain position, as the database's unique index. */
  readonly #positions = new Map<string, string>();
  readonly #sequences = new Set<number>();
  #sequence = 0;

  nextSequence(): Promise<number> {
    this.#sequence += 1;
    return Promise.resolve(this.#sequence);
  }

  nextSequences(count: number): Promise<number[]> {
    const first = this.#sequence + 1;
    this.#sequence += count;
    return Promise.resolve(Array.from({ length: count }, (_, i) => first + i));
  }

  async insertMany(receipts: readonly NewReceipt[]): Promise<{ stored: StoredReceipt; inserted: boolean }[]> {
    // All or nothing, as one transaction: a sequence already used (or used twice here) fails all.
    const sequences = new Set<number>();
    for (const { receipt, chainPosition } of receipts) {
      const taken =
        this.#receipts.has(receipt.cid) ||
        this.#atPosition(positionKey(receipt.recipientHash, chainPosition)) !== undefined;
      if (!taken && (this.#sequences.has(receipt.sequence) || sequences.has(receipt.sequence))) {
        throw new DbError('UNIQUE_VIOLATION', `sequence ${receipt.sequence} is already used`);
      }
      sequences.add(receipt.sequence);
    }
    const results: { stored: StoredReceipt; inserted: boolean }[] = [];
    for (const { receipt, busEndAtSign, chainPosition, tenantId } of receipts) {
      results.push(await this.insert(receipt, busEndAtSign, chainPosition, tenantId));
    }
    return results;
  }

  find(cids: readonly string[], positions: readonly GroupChainPosition[]): Promise<StoredReceipt[]> {
    const found = new Map<string, StoredReceipt>();
    for (const cid of cids) {
      const stored = this.#receipts.get(cid);
      if (stored !== undefined) found.set(cid, stored);
    }
    for (const { recipientHash, chainPosition } of positions) {
      const holder = this.#atPosition(positionKey(recipientHash, chainPosition));
      if (holder !== undefined) found.set(holder.receipt.cid, holder);
    }
    return Promise.resolve([...found.values()].map(copy));
  }

  async markPublishedMany(published: readonly { cid: string; position: BusPosition }[]): Promise<void> {
    for (const { cid, position } of published) await this.markPublished(cid, position);
  }

  insert(
    receipt: RelayReceipt,
    busEndAtSign: BusPosition | null,
    chainPosition: ChainPosition,
    tenantId: string,
  ): Promise<{ stored: StoredReceipt; inserted: boolean }> {
    const existing = this.#receipts.get(receipt.cid);
    if (existing !== undefined) return Promise.resolve({ stored: copy(existing), inserted: false });
    // Another tx-file at this place in the client's chain: a fork, the first one wins.
    const position = positionKey(receipt.recipientHash, chainPosition);
    const holder = this.#atPosition(position);
    if (holder !== undefined) return Promise.resolve({ stored: copy(holder), inserted: false });
    // As the database's unique index (and with its error): one sequence belongs to one receipt.
    if (this.#sequences.has(receipt.sequence)) {
      return Promise.reject(new DbError('UNIQUE_VIOLATION', `sequence ${receipt.sequence} is already used`));
    }
    const stored: StoredReceipt = {
      receipt: { ...receipt },
      state: 'signed',
      published: null,
      busEndAtSign: busEndAtSign === null ? null : { ...busEndAtSign },
      chainPosition: { ...chainPosition },
      tenantId,
    };
    this.#receipts.set(receipt.cid, stored);
    this.#positions.set(position, receipt.cid);
    this.#sequences.add(receipt.sequence);
    return Promise.resolve({ stored: copy(stored), inserted: true });
  }

  markPublished(cid: string, position: BusPosition): Promise<void> {
    const stored = this.#receipts.get(cid);
    if (stored === undefined) return Promise.reject(new DbError('NOT_FOUND', `no relay receipt for ${cid}`));
    if (stored.state === 'signed') {
      stored.state = 'published';
      stored.published = { ...position };
    }
    return Promise.resolve();
  }

  getAt(recipientHash: string, chainPosition: ChainPosition): Promise<StoredReceipt | null> {
    const holder = this.#atPosition(positionKey(recipientHash, chainPosition));
    return Promise.resolve(holder === undefined ? null : copy(holder));
  }

  #atPosition(position: string): StoredReceipt | undefined {
    const cid = this.#positions.get(position);
    return cid === undefined ? undefined : this.#receipts.get(cid);
  }

  get(cid: string): Promise<StoredReceipt | null> {
    const stored = this.#receipts.get(cid);
    return Promise.resolve(stored === undefined ? null : copy(stored));
  }
}
