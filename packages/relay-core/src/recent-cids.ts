/** The last N CIDs a subscription delivered, to drop a duplicate bus record (see the README's crash window). */
export class RecentCids {
  readonly #capacity: number;
  readonly #cids = new Set<string>();

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** True the first time a CID is seen within the window. */
  add(cid: string): boolean {
    if (this.#cids.has(cid)) return false;
    this.#cids.add(cid);
    if (this.#cids.size > this.#capacity) {
      // A Set iterates in insertion order: the first value is the oldest.
      for (const oldest of this.#cids) {
        this.#cids.delete(oldest);
        break;
      }
    }
    return true;
  }
}
