/**
 * A chain's head height as the proof API reads it: the node is checked once when a check is given
 * (that it serves the configured chain; a check that failed is tried again on the next read), and
 * a head read serves `cacheMs`, so a burst of proof requests costs one node call. A failed read is
 * not reused.
 */
export class CachedHead {
  readonly #check: (() => Promise<void>) | undefined;
  readonly #readHead: () => Promise<number>;
  readonly #cacheMs: number;
  #checked: Promise<void> | undefined;
  #cached: { at: number; head: Promise<number> } | undefined;

  constructor(check: (() => Promise<void>) | undefined, readHead: () => Promise<number>, cacheMs: number) {
    this.#check = check;
    this.#readHead = readHead;
    this.#cacheMs = cacheMs;
  }

  /** The head height, at most `cacheMs` old. */
  current(): Promise<number> {
    const now = Date.now();
    if (this.#cached !== undefined && now - this.#cached.at < this.#cacheMs) return this.#cached.head;
    const head = this.read();
    this.#cached = { at: now, head };
    head.catch(() => {
      if (this.#cached?.head === head) this.#cached = undefined;
    });
    return head;
  }

  /** A fresh read (readiness). */
  async read(): Promise<number> {
    const check = this.#check;
    if (check === undefined) return this.#readHead();
    this.#checked ??= check().catch((error: unknown) => {
      this.#checked = undefined;
      throw error;
    });
    await this.#checked;
    return this.#readHead();
  }
}
