/**
 * The two Sigma constant types the Ergo anchor box's registers hold (ADR 0012), decoded from the
 * node's hex without ergo-lib, so the proof verifier reads them in browsers too:
 *
 *   Coll[Byte]  0x0e, VLQ length, the bytes
 *   Long        0x05, ZigZag VLQ
 *
 * Anything else, and any byte left over, is undefined: an anchor box has exactly these.
 */
const COLL_BYTE = 0x0e;
const LONG = 0x05;
const REGISTER_RE = /^(?:[0-9a-fA-F]{2})+$/;

function registerBytes(hex: string): Uint8Array | undefined {
  if (!REGISTER_RE.test(hex)) return undefined;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/** An unsigned VLQ (7 bits a byte, low first) at `at`; at most 64 bits. */
function readVlq(bytes: Uint8Array, at: number): { value: bigint; next: number } | undefined {
  let value = 0n;
  for (let shift = 0n, i = at; i < bytes.length && shift < 64n; shift += 7n, i += 1) {
    const byte = bytes[i]!;
    value |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return { value, next: i + 1 };
  }
  return undefined;
}

/** A serialized `Coll[Byte]` constant's bytes. */
export function decodeCollByteRegister(hex: string): Uint8Array | undefined {
  const bytes = registerBytes(hex);
  if (bytes?.[0] !== COLL_BYTE) return undefined;
  const length = readVlq(bytes, 1);
  if (length === undefined || BigInt(bytes.length - length.next) !== length.value) return undefined;
  return bytes.slice(length.next);
}

/** A serialized `Long` constant's value. */
export function decodeLongRegister(hex: string): bigint | undefined {
  const bytes = registerBytes(hex);
  if (bytes?.[0] !== LONG) return undefined;
  const zigzag = readVlq(bytes, 1);
  if (zigzag === undefined || zigzag.next !== bytes.length) return undefined;
  return zigzag.value & 1n ? -((zigzag.value + 1n) >> 1n) : zigzag.value >> 1n;
}
