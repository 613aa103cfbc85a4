/**
 * Strict reading of untrusted JSON, shared by the proof and the trust-root parsers: every failure
 * is a ProofError of the parser's own code naming the field (a dotted path; '-' for the whole).
 */
import { ProofError } from './proof-error.ts';
import type { ProofErrorCode } from './proof-error.ts';

export type Fail = (field: string, message: string, cause?: unknown) => never;

/** A `fail` that throws ProofErrors of `code`. */
export function failWith(code: ProofErrorCode): Fail {
  return (field, message, cause) => {
    throw new ProofError(code, field, message, cause === undefined ? undefined : { cause });
  };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value` as an object with every `required` key and no key outside `required` and `optional`. */
export function readRecord(
  fail: Fail,
  value: unknown,
  field: string,
  required: readonly string[],
  optional: readonly string[] = [],
): Record<string, unknown> {
  if (!isRecord(value)) fail(field, 'expected a JSON object');
  const at = (key: string) => (field === '-' ? key : `${field}.${key}`);
  for (const key of Object.keys(value)) {
    if (!required.includes(key) && !optional.includes(key)) {
      fail(at(key), `unknown field (expected ${[...required, ...optional].join(', ')})`);
    }
  }
  for (const key of required) if (!(key in value)) fail(at(key), 'missing field');
  return value;
}

/** Parsed JSON as it is, or JSON text parsed; anything else is the caller's to check. */
export function readJson(fail: Fail, json: unknown): unknown {
  if (typeof json !== 'string') return json;
  try {
    return JSON.parse(json) as unknown;
  } catch (cause) {
    return fail('-', 'not valid JSON', cause);
  }
}
