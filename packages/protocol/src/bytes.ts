/** Byte encodings used on the wire: lower-case hex for hashes, standard padded base64 for ciphertexts. */
import { ErrorCode, ProtocolError } from './errors.ts';

// A single character class with `*` runs in linear time without a backtracking stack, so these are
// safe on multi-megabyte input (a grouped `(?:..){4}*` pattern overflows V8's regexp stack there).
const HEX_RE = /^[0-9a-f]*$/;

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Strict: lower-case, even length, nothing else; `field` names the input in the error. */
export function fromHex(text: string, field = '-'): Uint8Array {
  if (text.length % 2 !== 0 || !HEX_RE.test(text))
    throw new ProtocolError(ErrorCode.BadFormat, field, 'expected lower-case hex');
  return new Uint8Array(Buffer.from(text, 'hex'));
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * Strict canonical base64 (padded, no whitespace), so one byte string has exactly one text form.
 * Node's decoder skips characters it does not know, so re-encoding and comparing rejects every
 * non-canonical input: stray characters, missing padding, and non-zero unused bits alike.
 */
export function fromBase64(text: string, field = '-'): Uint8Array {
  const bytes = new Uint8Array(Buffer.from(text, 'base64'));
  if (toBase64(bytes) !== text)
    throw new ProtocolError(ErrorCode.BadFormat, field, 'expected canonical base64');
  return bytes;
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.compare(a, b) === 0;
}
