/**
 * The treasury's decisions without I/O: when an account is low, how much brings it back, and
 * whether a refill still fits the day's cap. An account below its minimum is refilled to 120 % of
 * it (not just to the minimum, which would mean a refill after every few transactions).
 */

/** How much to send `balance`'s account: up to 120 % of `minimum` when below it, else 0. */
export function refillAmount(balance: bigint, minimum: bigint): bigint {
  if (balance >= minimum) return 0n;
  return (minimum * 6n) / 5n - balance;
}

/** Whether `amount` more keeps the day's refills within `cap`. */
export function fitsDailyCap(spentToday: bigint, amount: bigint, cap: bigint): boolean {
  return spentToday + amount <= cap;
}

/** The UTC day (YYYY-MM-DD) of a unix time in seconds: the cap's period. */
export function treasuryDay(unixSeconds: bigint): string {
  return new Date(Number(unixSeconds) * 1000).toISOString().slice(0, 10);
}
