/** Time as the batcher sees it, injectable so tests run the loop without waiting. */
export interface BatcherClock {
  /** Milliseconds since the Unix epoch. Decides only *when* to seal, never what a batch holds. */
  now(): number;
  /** Schedules `callback` once after `ms`; returns a handle for `clearTimer`. */
  setTimer(callback: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

export const systemClock: BatcherClock = {
  now: () => Date.now(),
  setTimer: (callback, ms) => setTimeout(callback, ms),
  clearTimer: (handle) => {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};
