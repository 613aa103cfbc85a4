/**
 * Canonical JSON (RFC 8785, JCS) for the values a manifest holds — objects, arrays, strings,
 * booleans, null and safe integers: keys sorted by UTF-16 code units, no whitespace, strings as
 * ECMAScript's JSON.stringify writes them. One manifest, one byte string, one SHA-256 to vote on.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    // JCS numbers are IEEE doubles; a manifest has integers only, and only exact ones.
    if (!Number.isSafeInteger(value)) throw new TypeError(`not a safe integer: ${value}`);
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
  }
  throw new TypeError(`no JSON form for a ${typeof value}`);
}

export function canonicalJsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalJson(value));
}
