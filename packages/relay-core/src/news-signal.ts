/**
 * Wakes idle subscribers when this process published, so local delivery is immediate; records
 * from other processes are found by polling every `pollIntervalMs`.
 */
export class NewsSignal {
  readonly #waiters = new Set<() => void>();
  #generation = 0;

  /** Counts notifications, so a reader can tell whether this process published since it looked. */
  get generation(): number {
    return this.#generation;
  }

  notify(): void {
    this.#generation += 1;
    for (const wake of this.#waiters) wake();
    this.#waiters.clear();
  }

  /** Resolves on the next notify, after `ms`, or when `signal` aborts, whichever is first. */
  wait(ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.#waiters.add(done);
    });
  }
}
