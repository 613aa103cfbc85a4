/**
 * JSON as the Ergo node writes it, kept exact. Two traps make plain JSON.parse/stringify unsafe:
 * box values and token amounts pass 2^53 (the node writes them as bare numbers), and a context
 * extension is an object keyed "0".."255" whose key order is part of the signed bytes — JavaScript
 * objects put integer-like keys in ascending order, so a round trip changes a transaction's id.
 */

/** A JSON value with its source text kept: objects as ordered entries, leaves verbatim. */
export type RawJson =
  | { readonly kind: 'object'; readonly entries: readonly (readonly [string, RawJson])[] }
  | { readonly kind: 'array'; readonly items: readonly RawJson[] }
  | { readonly kind: 'leaf'; readonly text: string };

/** Parses JSON keeping key order and every leaf's text. Throws SyntaxError on malformed input. */
export function parseRaw(text: string): RawJson {
  JSON.parse(text); // the validity check; the scanner below may then assume well-formed input
  let at = 0;
  const space = () => {
    while (at < text.length && ' \t\n\r'.includes(text[at]!)) at++;
  };
  const stringEnd = (from: number): number => {
    let i = from + 1;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    return i + 1;
  };
  const value = (): RawJson => {
    space();
    const c = text[at];
    if (c === '{') {
      at++;
      const entries: [string, RawJson][] = [];
      space();
      if (text[at] === '}') {
        at++;
        return { kind: 'object', entries };
      }
      for (;;) {
        space();
        const end = stringEnd(at);
        const key = JSON.parse(text.slice(at, end)) as string;
        at = end;
        space();
        at++; // ':'
        entries.push([key, value()]);
        space();
        if (text[at++] === '}') return { kind: 'object', entries };
      }
    }
    if (c === '[') {
      at++;
      const items: RawJson[] = [];
      space();
      if (text[at] === ']') {
        at++;
        return { kind: 'array', items };
      }
      for (;;) {
        items.push(value());
        space();
        if (text[at++] === ']') return { kind: 'array', items };
      }
    }
    const from = at;
    if (c === '"') at = stringEnd(at);
    else while (at < text.length && !',}] \t\n\r'.includes(text[at]!)) at++;
    return { kind: 'leaf', text: text.slice(from, at) };
  };
  return value();
}

/** The compact JSON text of a RawJson, byte-exact leaves and key order. */
export function rawText(raw: RawJson): string {
  switch (raw.kind) {
    case 'leaf':
      return raw.text;
    case 'array':
      return `[${raw.items.map(rawText).join(',')}]`;
    case 'object':
      return `{${raw.entries.map(([key, value]) => `${JSON.stringify(key)}:${rawText(value)}`).join(',')}}`;
  }
}

export function rawField(raw: RawJson, key: string): RawJson | undefined {
  return raw.kind === 'object' ? raw.entries.find(([k]) => k === key)?.[1] : undefined;
}

export function rawItems(raw: RawJson | undefined): readonly RawJson[] {
  return raw?.kind === 'array' ? raw.items : [];
}

/** A leaf's JavaScript value (strings unquoted). */
export function rawValue(raw: RawJson | undefined): unknown {
  return raw?.kind === 'leaf' ? JSON.parse(raw.text) : undefined;
}

/** JSON.parse, but integers beyond 2^53 become bigints instead of being rounded. */
export function parseLossless(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown, context?: { source?: string }) =>
    typeof value === 'number' &&
    !Number.isSafeInteger(value) &&
    context?.source !== undefined &&
    /^-?\d+$/.test(context.source)
      ? BigInt(context.source)
      : value,
  );
}

/** JSON.stringify that writes bigints as bare JSON numbers (the node's form). */
export function stringifyLossless(value: unknown): string {
  const json = JSON as unknown as { rawJSON(text: string): unknown };
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'bigint' ? json.rawJSON(v.toString()) : v,
  );
}

/** A bigint from a JSON number that may have come back as a number or a bigint. */
export function toBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^\d+$/.test(value)) return BigInt(value);
  throw new TypeError(`not an integer: ${String(value)}`);
}
