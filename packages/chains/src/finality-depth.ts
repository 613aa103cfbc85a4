/** The finality depth setting both chains share: unset → a floor, never below the confirmations. */
import { ConfigError } from '@anchorpost/config';

/** A depth of at least `confirmations`, `floor` or more by default. */
export function finalityDepthOf(
  given: number | undefined,
  confirmations: number,
  floor: number,
  env: string,
): number {
  if (given === undefined) return Math.max(floor, confirmations);
  if (given < confirmations) {
    throw new ConfigError(env, `must be at least the confirmations (${confirmations}), got ${given}`);
  }
  return given;
}
