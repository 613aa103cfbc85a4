/**
 * RFC 4648 §6 base32, lower case, unpadded — the multibase `b` alphabet — decoded strictly:
 * characters outside the alphabet and non-zero leftover bits both fail, so each byte string has
 * exactly one text. Written out (rather than via multiformats' generic codec) because Merkle
 * trees and batch-files parse CIDs by the million and this is about ten times faster.
 */
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const ALPHABET_CODES = Array.from(ALPHABET, (c) => c.charCodeAt(0));
const VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i += 1) VALUES[ALPHABET.charCodeAt(i)] = i;

/** The bytes `text` encodes, or undefined if it is not canonical lower-case unpadded base32. */
export function decodeBase32(text: string): Uint8Array | undefined {
  const out = new Uint8Array(Math.floor((text.length * 5) / 8));
  return decodeBase32Into(text, 0, out, 0) < 0 ? undefined : out;
}

/**
 * Decodes `text` from character `start` into `out` at `offset` without allocating (hot path of
 * parsing CIDs by the million). Returns the number of bytes written, or -1 if not canonical.
 * `out` must have room for floor((text.length - start) * 5 / 8) bytes.
 */
export function decodeBase32Into(text: string, start: number, out: Uint8Array, offset: number): number {
  let buffer = 0;
  let bits = 0;
  let at = offset;
  for (let i = start; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? VALUES[code]! : -1;
    if (value < 0) return -1;
    buffer = ((buffer << 5) | value) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[at] = (buffer >>> bits) & 0xff;
      at += 1;
    }
  }
  // Canonical: a leftover of 5 or more bits would be a whole extra character, and the leftover bits must be zero.
  if (bits >= 5 || (buffer & ((1 << bits) - 1)) !== 0) return -1;
  return at - offset;
}

export function encodeBase32(bytes: Uint8Array): string {
  // Char codes first, one string at the end: a flat string, not a rope of 58 concatenations.
  const codes = new Array<number>(Math.ceil((bytes.byteLength * 8) / 5));
  let buffer = 0;
  let bits = 0;
  let at = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      codes[at++] = ALPHABET_CODES[(buffer >>> bits) & 31]!;
    }
  }
  if (bits > 0) codes[at] = ALPHABET_CODES[(buffer << (5 - bits)) & 31]!;
  return String.fromCharCode(...codes);
}
