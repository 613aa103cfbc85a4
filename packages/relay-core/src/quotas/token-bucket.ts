/**
 * The arithmetic of the shared files-per-second bucket and of the slices replicas take from it,
 * kept pure so the memory test double and the SQL of the PostgreSQL adapter compute the same thing.
 */

/** The bucket holds one second of files (at least one): a burst never exceeds a second's worth. */
export function bucketCapacity(filesPerSecond: number): number {
  return Math.max(1, filesPerSecond);
}

/** Tokens after `elapsedMs` of refilling at `rate` per second, capped at the capacity. */
export function refilled(tokens: number, elapsedMs: number, rate: number): number {
  return Math.min(bucketCapacity(rate), tokens + (rate * Math.max(0, elapsedMs)) / 1000);
}

/** Whole tokens granted out of `available` for a request of `want`. */
export function granted(available: number, want: number): number {
  return Math.max(0, Math.min(want, Math.floor(available)));
}

/** How long until the bucket holds one whole token again. */
export function msUntilToken(available: number, rate: number): number {
  return available >= 1 ? 0 : Math.ceil(((1 - available) * 1000) / rate);
}

/**
 * Tokens a replica takes at once: 100 ms of the rate, at least one. Small enough that the
 * slices held by replicas bound the overshoot tightly, large enough that a busy tenant costs
 * one database statement per tenth of a second, not one per file.
 */
export function fileSlice(filesPerSecond: number): number {
  return Math.max(1, Math.ceil(filesPerSecond / 10));
}

/** Bytes a replica takes at once: a hundredth of the day (at least the file at hand). */
export function byteSlice(bytesPerDay: number, needed: number): number {
  return Math.max(needed, Math.ceil(bytesPerDay / 100));
}

/** The UTC day of `at` as YYYY-MM-DD. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** Milliseconds from `at` to the next UTC midnight. */
export function msUntilNextUtcDay(at: Date): number {
  const next = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + 1);
  return next - at.getTime();
}
