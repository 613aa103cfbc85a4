/**
 * A bounded LRU of batch tree nodes for the proof API. A batch never changes once indexed (its
 * CID is its content), so a cached node is never stale; what is hot is the top of each busy
 * batch's tree, which every proof of that batch passes through.
 */

/** Default capacity: 100,000 nodes, about 20 MB with keys. */
export const DEFAULT_TREE_NODE_CACHE_NODES = 100_000;

export class TreeNodeCache {
  readonly capacity: number;
  /** Insertion order is recency order: a hit moves its key to the end. */
  readonly #nodes = new Map<string, string>();

  constructor(capacity = DEFAULT_TREE_NODE_CACHE_NODES) {
    if (!Number.isSafeInteger(capacity) || capacity < 0) {
      throw new RangeError(`tree node cache capacity must be a non-negative integer, got ${capacity}`);
    }
    this.capacity = capacity;
  }

  get size(): number {
    return this.#nodes.size;
  }

  get(batchCid: string, level: number, index: number): string | undefined {
    const key = `${batchCid}/${level}/${index}`;
    const hash = this.#nodes.get(key);
    if (hash !== undefined) {
      this.#nodes.delete(key);
      this.#nodes.set(key, hash);
    }
    return hash;
  }

  set(batchCid: string, level: number, index: number, hash: string): void {
    if (this.capacity === 0) return;
    const key = `${batchCid}/${level}/${index}`;
    this.#nodes.delete(key);
    this.#nodes.set(key, hash);
    while (this.#nodes.size > this.capacity) this.#nodes.delete(this.#nodes.keys().next().value!);
  }
}
