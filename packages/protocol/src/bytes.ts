/**
 * Byte encodings used on the wire: lower-case hex for hashes, standard padded base64 for
 * ciphertexts. Plain Uint8Array and the web platform's atob/btoa only (no Buffer), so the proof
 * verifier that uses them runs unchanged in browsers.
 */
import { ErrorCode, ProtocolError } from './errors.ts';

// A single character class with `*` runs in linear time without a backtracking stack, so these are
// safe on multi-megabyte input (a grouped `(?:..){4}*` pattern overflows V8's regexp stack there).
const HEX_RE = /^[0-9a-f]*$/;
const HEX_PAIRS = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
/** btoa/atob take "binary strings"; build them in slices so no call gets a huge argument list. */
const BINARY_SLICE = 0x8000;

export function toHex(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += HEX_PAIRS[byte]!;
  return text;
}

/** Strict: lower-case, even length, nothing else; `field` names the input in the error. */
export function fromHex(text: string, field = '-'): Uint8Array {
  if (text.length % 2 !== 0 || !HEX_RE.test(text))
    throw new ProtocolError(ErrorCode.BadFormat, field, 'expected lower-case hex');
  const bytes = new Uint8Array(text.length / 2);
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = Number.parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let at = 0; at < bytes.byteLength; at += BINARY_SLICE) {
    binary += String.fromCharCode(...bytes.subarray(at, at + BINARY_SLICE));
  }
  return btoa(binary);
}

/**
 * Strict canonical base64 (padded, no whitespace), so one byte string has exactly one text form.
 * `atob` forgives whitespace and missing padding, so re-encoding and comparing rejects every
 * non-canonical input: stray characters, missing padding, and non-zero unused bits alike.
 */
export function fromBase64(text: string, field = '-'): Uint8Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new ProtocolError(ErrorCode.BadFormat, field, 'expected canonical base64');
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  if (toBase64(bytes) !== text)
    throw new ProtocolError(ErrorCode.BadFormat, field, 'expected canonical base64');
  return bytes;
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i += 1) if (a[i] !== b[i]) return false;
  return true;
}
