/**
 * Kafka's default partitioner for keyed records, bit for bit: murmur2 (seed 0x9747b28c) of the
 * key's UTF-8 bytes, made positive by masking the sign bit, modulo the partition count — as in the
 * Java client's `Utils.murmur2`/`toPositive` and kafkajs's DefaultPartitioner. Both adapters use
 * it, so a key lands on the same partition number whichever bus wrote it.
 */

const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const R = 24;

const utf8 = new TextEncoder();

/** Java's `Utils.murmur2(byte[])`: a signed 32-bit result. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = SEED ^ length;
  const whole = length - (length & 3);
  for (let i = 0; i < whole; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }
  const tail = length & 3;
  if (tail === 3) h ^= data[whole + 2]! << 16;
  if (tail >= 2) h ^= data[whole + 1]! << 8;
  if (tail >= 1) {
    h ^= data[whole]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Java's `Utils.toPositive`: clears the sign bit (not Math.abs, which differs for MIN_VALUE). */
export function toPositive(value: number): number {
  return value & 0x7fffffff;
}

export function partitionForKey(key: string, partitions: number): number {
  return toPositive(murmur2(utf8.encode(key))) % partitions;
}
