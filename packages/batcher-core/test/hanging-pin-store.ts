import { decodeBatchPage, decodeBatchRoot } from '@anchorpost/protocol';
import type { ContentStore, PinOptions } from '@anchorpost/storage';

/**
 * A test double around a real ContentStore: a pin that would reach a block the store cannot find
 * never answers — not even to its time limit or signal — the way a Kubo node hunts the network for
 * a block nobody has. `lost` picks the CIDs whose own pin hangs; a recursive pin of a batch-file
 * naming one of them hangs too. Everything else goes to the real store.
 */
export class HangingPinStore {
  /** Pins that were left hanging. */
  hung = 0;
  readonly #lost: (cid: string) => boolean;

  constructor(lost: (cid: string) => boolean) {
    this.#lost = lost;
  }

  wrap(store: ContentStore): ContentStore {
    return new Proxy(store, {
      get: (target, property) => {
        const value = Reflect.get(target, property, target) as unknown;
        if (typeof value !== 'function') return value;
        const real = (value as (...args: unknown[]) => Promise<unknown>).bind(target);
        if (property !== 'pin') return real;
        return async (cid: unknown, options?: PinOptions) => {
          const text = String(cid);
          if (this.#lost(text) || (options?.recursive !== false && (await this.#namesLost(target, text)))) {
            this.hung += 1;
            return new Promise<never>(() => undefined);
          }
          return real(cid, options);
        };
      },
    });
  }

  /** Whether `cid` is a batch-file that names a lost tx-file. */
  async #namesLost(store: ContentStore, cid: string): Promise<boolean> {
    let pages;
    try {
      pages = decodeBatchRoot(await store.getBlock(cid)).pages;
    } catch {
      return false;
    }
    for (const page of pages) {
      const { entries } = decodeBatchPage(await store.getBlock(page));
      if (entries.some((entry) => this.#lost(entry.toString()))) return true;
    }
    return false;
  }
}
