import { OPEN_ANCHOR_STATES } from './anchor-request.ts';
import type { AnchorRecord, EngineRecord } from './anchor-request.ts';
import type { RequestStore } from './anchor-request-store.ts';
import { ChainError, ChainErrorCode } from './chain-error.ts';

/**
 * AnchorRequestStore (or any engine's RequestStore) in process memory: for tests and for a driver
 * whose process owns the whole lifetime. Records are deep-frozen copies, so a caller can never
 * change what is stored.
 */
export class MemoryAnchorRequestStore<Rec extends EngineRecord = AnchorRecord> implements RequestStore<Rec> {
  readonly #records = new Map<string, Map<number, Rec>>();

  create(record: Rec): Promise<Rec> {
    const chain = this.#chain(record.chain);
    const existing = chain.get(record.sequence);
    if (existing !== undefined) return Promise.resolve(existing);
    const stored = freeze(record);
    chain.set(record.sequence, stored);
    return Promise.resolve(stored);
  }

  get(chain: string, sequence: number): Promise<Rec | undefined> {
    return Promise.resolve(this.#records.get(chain)?.get(sequence));
  }

  update(record: Rec): Promise<void> {
    const chain = this.#chain(record.chain);
    const stored = chain.get(record.sequence);
    if (stored === undefined) {
      return Promise.reject(
        new ChainError(ChainErrorCode.NotFound, `no anchor request ${record.chain}#${record.sequence}`),
      );
    }
    if (stored.version !== record.version - 1) {
      return Promise.reject(
        new ChainError(
          ChainErrorCode.StoreConflict,
          `anchor request ${record.chain}#${record.sequence}: stored version ${stored.version}, write based on ${record.version - 1}`,
        ),
      );
    }
    chain.set(record.sequence, freeze(record));
    return Promise.resolve();
  }

  listOpen(chain: string, page: { afterSequence: number; limit: number }): Promise<Rec[]> {
    const open: Rec[] = [];
    for (const record of this.#records.get(chain)?.values() ?? []) {
      if (record.sequence > page.afterSequence && OPEN_ANCHOR_STATES.includes(record.state))
        open.push(record);
    }
    open.sort((a, b) => a.sequence - b.sequence);
    return Promise.resolve(open.slice(0, page.limit));
  }

  #chain(chain: string): Map<number, Rec> {
    let records = this.#records.get(chain);
    if (records === undefined) {
      records = new Map();
      this.#records.set(chain, records);
    }
    return records;
  }
}

function freeze<Rec>(record: Rec): Rec {
  return deepFreeze(structuredClone(record));
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
