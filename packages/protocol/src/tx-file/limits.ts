/**
 * Resource limits for reading a transaction-file. A relay reads files from strangers, so every
 * dimension that could make parsing slow or large is capped before the work is done.
 */

export interface TxFileLimits {
  /** Largest accepted input, in bytes; checked before anything else is looked at. */
  readonly maxBytes: number;
  /** Deepest accepted nesting of mappings and lists (the root mapping is depth 1). */
  readonly maxDepth: number;
  /** Most YAML nodes accepted: every key, value, list item and collection counts, empty ones too. */
  readonly maxNodes: number;
}

export const DEFAULT_TX_FILE_LIMITS: TxFileLimits = Object.freeze({
  maxBytes: 1_048_576,
  maxDepth: 16,
  maxNodes: 10_000,
});

/**
 * The YAML composer recurses once per nesting level; beyond a few hundred levels it runs out of
 * stack, so `maxDepth` cannot be configured above this.
 */
export const MAX_CONFIGURABLE_DEPTH = 256;

/** Schema caps on the lists a transaction-file may hold (part of the format, not configurable). */
export const TX_FILE_MAX_SENDERS = 64;
export const TX_FILE_MAX_ATTACHMENTS = 64;
export const TX_FILE_MAX_OPTIONS = 256;

/**
 * Fills in defaults. Limits are set by the caller, not by the input, so a bad limit is a
 * programming error (RangeError), not a ProtocolError.
 */
export function resolveTxFileLimits(limits?: Partial<TxFileLimits>): TxFileLimits {
  const resolved: TxFileLimits = {
    maxBytes: limits?.maxBytes ?? DEFAULT_TX_FILE_LIMITS.maxBytes,
    maxDepth: limits?.maxDepth ?? DEFAULT_TX_FILE_LIMITS.maxDepth,
    maxNodes: limits?.maxNodes ?? DEFAULT_TX_FILE_LIMITS.maxNodes,
  };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new RangeError(`TxFileLimits.${name} must be a positive safe integer, got ${String(value)}`);
    }
  }
  if (resolved.maxDepth > MAX_CONFIGURABLE_DEPTH) {
    throw new RangeError(`TxFileLimits.maxDepth must be at most ${MAX_CONFIGURABLE_DEPTH}`);
  }
  return resolved;
}
