/**
 * Keeps garbage collection from running between "blocks written" and "pin recorded". Helia pins
 * after an import, not during it, so a GC in that gap would delete a file the caller was just
 * told is stored and pinned. Writers share the gate; GC waits for them all and holds it alone
 * (new writers wait behind a waiting GC, so GC cannot starve).
 */
export class GcGate {
  #writers = 0;
  #collecting = false;
  #waiting: (() => void)[] = [];
  #collectorsWaiting = 0;

  /** Runs a write (add, put, pin) while no GC runs. */
  async write<T>(fn: () => Promise<T>): Promise<T> {
    while (this.#collecting || this.#collectorsWaiting > 0) await this.#wait();
    this.#writers += 1;
    try {
      return await fn();
    } finally {
      this.#writers -= 1;
      this.#wakeAll();
    }
  }

  /** Runs a GC with no write in progress. */
  async collect<T>(fn: () => Promise<T>): Promise<T> {
    this.#collectorsWaiting += 1;
    try {
      while (this.#collecting || this.#writers > 0) await this.#wait();
    } finally {
      this.#collectorsWaiting -= 1;
    }
    this.#collecting = true;
    try {
      return await fn();
    } finally {
      this.#collecting = false;
      this.#wakeAll();
    }
  }

  async #wait(): Promise<void> {
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  #wakeAll(): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const wake of waiting) wake();
  }
}
