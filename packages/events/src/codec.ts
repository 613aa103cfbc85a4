/**
 * Event values are UTF-8 JSON with a fixed field set, checked field by field on decode, so a
 * record written by another version or by hand fails loudly (and dead-letters) instead of flowing on.
 */
import { EventDecodeError } from './event-error.ts';

export type Fields = Record<string, unknown>;

export function encodeJson(value: object): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

export function decodeJson(topic: string, bytes: Uint8Array, keys: readonly string[]): Fields {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new EventDecodeError(topic, `not UTF-8 JSON (${(cause as Error).message})`);
  }
  return object(topic, value, 'value', keys);
}

/** A JSON object with exactly the given keys at most (missing ones are caught by the field readers). */
export function object(topic: string, value: unknown, name: string, keys: readonly string[]): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new EventDecodeError(topic, `${name} is not an object`);
  const fields = value as Fields;
  for (const key of Object.keys(fields))
    if (!keys.includes(key)) throw new EventDecodeError(topic, `unknown field ${name}.${key}`);
  return fields;
}

export function literal<T>(topic: string, fields: Fields, key: string, expected: T): T {
  if (fields[key] !== expected) throw new EventDecodeError(topic, `${key} must be ${String(expected)}`);
  return expected;
}

export function text(topic: string, fields: Fields, key: string, pattern?: RegExp): string {
  const value = fields[key];
  if (typeof value !== 'string' || (pattern && !pattern.test(value)))
    throw new EventDecodeError(topic, `bad ${key}`);
  return value;
}

export function count(topic: string, fields: Fields, key: string): number {
  const value = fields[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw new EventDecodeError(topic, `bad ${key}`);
  return value;
}

export const HASH128 = /^[0-9a-f]{128}$/;
export const HEX64 = /^[0-9a-f]{64}$/;
export const CID_TEXT = /^b[a-z2-7]{58,}$/;
export const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
export const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
