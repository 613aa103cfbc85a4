/**
 * Lossless JSON for the Ergo node API. The node writes nanoERG values and token amounts as JSON
 * numbers, and token amounts above 2^53 occur on mainnet: `JSON.parse` would round them. Here an
 * integer that is not a safe JS number becomes a `bigint`, and `stringifyErgoJson` writes bigints
 * back as bare JSON numbers, so a box survives the round trip exactly (ergo-lib recomputes ids
 * from it). A transaction whose inputs carry a context extension does not: the extension's keys are
 * integers ("0", "5", "10"), which a JS object reorders, and the id covers their order. Signed
 * transactions are therefore kept and sent as the text ergo-lib wrote, never re-serialized.
 */

type Reviver = (this: unknown, key: string, value: unknown, context?: { source?: string }) => unknown;

const INTEGER_RE = /^-?\d+$/;

const revive: Reviver = (_key, value, context) => {
  if (typeof value === 'number' && !Number.isSafeInteger(value) && context?.source !== undefined) {
    if (INTEGER_RE.test(context.source)) return BigInt(context.source);
  }
  return value;
};

export function parseErgoJson(text: string): unknown {
  return JSON.parse(text, revive as Parameters<typeof JSON.parse>[1]);
}

interface RawJson {
  rawJSON(text: string): unknown;
}

export function stringifyErgoJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'bigint' ? (JSON as unknown as RawJson).rawJSON(v.toString()) : v,
  );
}

/** A nanoERG value or token amount as read by parseErgoJson (number or bigint) → bigint. */
export function toBigInt(value: number | bigint | string): bigint {
  return typeof value === 'bigint' ? value : BigInt(value);
}
