/**
 * An exact set of CIDs in one flat table, for duplicate checks over up to millions of entries:
 * 36 bytes per slot (every CID we accept is 36 bytes), at most half full, no per-entry objects.
 * Slots are chosen by a hash keyed with random numbers per instance, so entries an attacker picks
 * (tx-file contents are client-controlled) cannot be ground to pile into one probe chain.
 */
import { getRandomValues } from 'node:crypto';

const SLOT = 36;
const WORDS = SLOT / 4;

export class CidSet {
  #table: Uint8Array;
  #capacity: number;
  /** log2 of the capacity. */
  #bits: number;
  #size = 0;
  readonly #keys: Uint32Array;

  constructor(expected = 1024) {
    this.#bits = bitsFor(expected);
    this.#capacity = 2 ** this.#bits;
    this.#table = new Uint8Array(this.#capacity * SLOT);
    // Odd multipliers, so every key word affects the slot.
    this.#keys = getRandomValues(new Uint32Array(WORDS)).map((k) => k | 1);
  }

  get size(): number {
    return this.#size;
  }

  /** Adds the 36 CID bytes at `bytes[offset]`; returns false if they were already present. */
  add(bytes: Uint8Array, offset = 0): boolean {
    if (bytes.byteLength < offset + SLOT) throw new RangeError(`CidSet holds ${SLOT}-byte CIDs`);
    if ((this.#size + 1) * 2 > this.#capacity) this.#grow();
    const added = this.#insert(bytes, offset);
    if (added) this.#size += 1;
    return added;
  }

  /** True if the 36 CID bytes at `bytes[offset]` are in the set. */
  has(bytes: Uint8Array, offset = 0): boolean {
    if (bytes.byteLength < offset + SLOT) throw new RangeError(`CidSet holds ${SLOT}-byte CIDs`);
    const table = this.#table;
    for (let slot = this.#slotFor(bytes, offset); ; slot = slot + 1 === this.#capacity ? 0 : slot + 1) {
      const at = slot * SLOT;
      if (table[at] === 0) return false;
      if (this.#equalAt(at, bytes, offset)) return true;
    }
  }

  clear(): void {
    this.#table.fill(0);
    this.#size = 0;
  }

  #slotFor(bytes: Uint8Array, offset: number): number {
    let h = 0;
    for (let w = 0; w < WORDS; w += 1) h = (h + Math.imul(word(bytes, offset + w * 4), this.#keys[w]!)) | 0;
    // Multiply-shift: the high bits of the keyed sum are the well-mixed ones.
    return (h >>> 0) >>> (32 - this.#bits);
  }

  #insert(bytes: Uint8Array, offset: number): boolean {
    const table = this.#table;
    let slot = this.#slotFor(bytes, offset);
    for (;;) {
      const at = slot * SLOT;
      // Byte 0 of a stored CID is its version (1), so 0 marks an empty slot.
      if (table[at] === 0) {
        for (let i = 0; i < SLOT; i += 1) table[at + i] = bytes[offset + i]!;
        return true;
      }
      if (this.#equalAt(at, bytes, offset)) return false;
      slot = slot + 1 === this.#capacity ? 0 : slot + 1;
    }
  }

  #equalAt(at: number, bytes: Uint8Array, offset: number): boolean {
    const table = this.#table;
    for (let i = 0; i < SLOT; i += 1) if (table[at + i] !== bytes[offset + i]) return false;
    return true;
  }

  #grow(): void {
    const old = this.#table;
    const oldCapacity = this.#capacity;
    this.#bits += 1;
    this.#capacity = oldCapacity * 2;
    this.#table = new Uint8Array(this.#capacity * SLOT);
    for (let slot = 0; slot < oldCapacity; slot += 1) {
      const at = slot * SLOT;
      if (old[at] !== 0) this.#insert(old, at);
    }
  }
}

function word(bytes: Uint8Array, at: number): number {
  return (bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]! | 0;
}

function bitsFor(expected: number): number {
  let bits = 6;
  while (2 ** bits < expected * 2) bits += 1;
  return bits;
}
