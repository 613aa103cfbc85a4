/**
 * Byte encodings used on the wire: lower-case hex for hashes, standard padded base64 for
 * ciphertexts. Plain Uint8Array and TextDecoder only (no Buffer), so the proof verifier that uses
 * them runs unchanged in browsers. Base64 goes through lookup tables, a byte at a time: a
 * megabyte-sized ciphertext costs about a millisecond each way, where building a "binary string"
 * for atob/btoa cost tens (it was the relay's largest CPU item on large files).
 */
import { ErrorCode, ProtocolError } from './errors.ts';

// A single character class with `*` runs in linear time without a backtracking stack, so these are
// safe on multi-megabyte input (a grouped `(?:..){4}*` pattern overflows V8's regexp stack there).
const HEX_RE = /^[0-9a-f]*$/;
const HEX_PAIRS = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const PAD = 0x3d; // '='
/** Sextet → its character's code. */
const ENCODE = Uint8Array.from(ALPHABET, (char) => char.charCodeAt(0));
/** Character code (< 128) → its sextet, or -1. */
const DECODE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i += 1) DECODE[ALPHABET.charCodeAt(i)] = i;
/** Base64 text is ASCII: UTF-8 decoding of it is the identity. */
const ascii = new TextDecoder();

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
  const length = bytes.byteLength;
  const out = new Uint8Array(Math.ceil(length / 3) * 4);
  const whole = length - (length % 3);
  let o = 0;
  for (let i = 0; i < whole; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o] = ENCODE[n >>> 18]!;
    out[o + 1] = ENCODE[(n >>> 12) & 63]!;
    out[o + 2] = ENCODE[(n >>> 6) & 63]!;
    out[o + 3] = ENCODE[n & 63]!;
    o += 4;
  }
  if (whole < length) {
    const two = whole + 1 < length;
    const n = (bytes[whole]! << 16) | (two ? bytes[whole + 1]! << 8 : 0);
    out[o] = ENCODE[n >>> 18]!;
    out[o + 1] = ENCODE[(n >>> 12) & 63]!;
    out[o + 2] = two ? ENCODE[(n >>> 6) & 63]! : PAD;
    out[o + 3] = PAD;
  }
  return ascii.decode(out);
}

/** The sextet of the character at `at`, or -1 for anything outside the alphabet ('=' included). */
function sextet(text: string, at: number): number {
  const code = text.charCodeAt(at);
  return code < 128 ? DECODE[code]! : -1;
}

/**
 * Strict canonical base64 (padded, no whitespace), so one byte string has exactly one text form:
 * a length that is a multiple of 4, alphabet characters only, `=` only as the last one or two, and
 * the unused bits before the padding zero.
 */
export function fromBase64(text: string, field = '-'): Uint8Array {
  const refuse = () => new ProtocolError(ErrorCode.BadFormat, field, 'expected canonical base64');
  const length = text.length;
  if (length % 4 !== 0) throw refuse();
  const padding =
    length === 0 ? 0 : text.charCodeAt(length - 2) === PAD ? 2 : text.charCodeAt(length - 1) === PAD ? 1 : 0;
  const bytes = new Uint8Array((length / 4) * 3 - padding);
  const whole = padding === 0 ? length : length - 4;
  let o = 0;
  for (let i = 0; i < whole; i += 4) {
    const a = sextet(text, i);
    const b = sextet(text, i + 1);
    const c = sextet(text, i + 2);
    const d = sextet(text, i + 3);
    if ((a | b | c | d) < 0) throw refuse();
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    bytes[o] = n >>> 16;
    bytes[o + 1] = (n >>> 8) & 255;
    bytes[o + 2] = n & 255;
    o += 3;
  }
  if (padding > 0) {
    const a = sextet(text, whole);
    const b = sextet(text, whole + 1);
    if ((a | b) < 0) throw refuse();
    if (padding === 2) {
      if (text.charCodeAt(whole + 3) !== PAD || (b & 15) !== 0) throw refuse();
      bytes[o] = (a << 2) | (b >>> 4);
    } else {
      const c = sextet(text, whole + 2);
      if (c < 0 || (c & 3) !== 0) throw refuse();
      bytes[o] = (a << 2) | (b >>> 4);
      bytes[o + 1] = ((b & 15) << 4) | (c >>> 2);
    }
  }
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
