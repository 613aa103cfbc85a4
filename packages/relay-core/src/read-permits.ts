/**
 * A counting semaphore for bus reads that do not go through a partition's shared tail (history
 * replay, HTTP pages): each holds up to `readBatchBytes` while it runs, so a fixed number of them
 * bounds what they hold together, however many subscribers replay at once.
 */
export class ReadPermits {
  readonly #limit: number;
  #held = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Runs `read` once a permit is free; waiters are served in arrival order. */
  async run<T>(read: () => Promise<T>): Promise<T> {
    if (this.#held >= this.#limit) {
      await new Promise<void>((resolve) => {
        this.#waiting.push(resolve);
      });
    } else {
      this.#held += 1;
    }
    try {
      return await read();
    } finally {
      // The permit passes straight to the next waiter, so `#held` stays as it is.
      const next = this.#waiting.shift();
      if (next === undefined) this.#held -= 1;
      else next();
    }
  }
}
