import { BusError, BusErrorCode } from '@anchorpost/bus-port';

/** A whole-number argument in [min, max], or INVALID_ARGUMENT naming it. */
export function integerArgument(
  name: string,
  value: unknown,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new BusError(
      BusErrorCode.InvalidArgument,
      `${name} must be an integer from ${min} to ${max}, got ${String(value)}`,
    );
  }
  return value;
}

/** `ReadOptions.maxBytes` checked (at least 1 byte), or Infinity when not given. */
export function readBytesOption(options: { readonly maxBytes?: number } | undefined): number {
  if (options?.maxBytes === undefined) return Infinity;
  return integerArgument('maxBytes', options.maxBytes, 1);
}
