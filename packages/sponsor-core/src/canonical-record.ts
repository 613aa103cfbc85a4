/**
 * The canonical JSON records of the ledger (lines and voids): one byte form each, keys in one
 * order, no whitespace. Reading one strictly is parsing it as a JSON object, reading its fields,
 * then requiring that its bytes are exactly the ones the fields encode to.
 */

/** The bytes of `fields` with the keys in `keys`' order and nothing else. */
export function encodeCanonical(
  fields: Readonly<Record<string, unknown>>,
  keys: readonly string[],
): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(fields, keys as string[]));
}

/** `bytes` as a JSON object; `refuse` throws the record's own error otherwise. */
export function parseCanonical(
  bytes: Uint8Array,
  refuse: (detail: string) => never,
): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    refuse('not UTF-8 JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) refuse('not an object');
  return parsed as Record<string, unknown>;
}

/** Refuses `bytes` unless they are exactly `canonical`. */
export function requireCanonical(
  bytes: Uint8Array,
  canonical: Uint8Array,
  refuse: (detail: string) => never,
): void {
  if (canonical.length !== bytes.length || canonical.some((byte, i) => byte !== bytes[i])) {
    refuse('not in canonical form (key order, spacing, address case)');
  }
}
