/**
 * A set of binary tx-file CIDs (CIDv1 sha2-256: always 36 bytes) in one flat open-addressing table,
 * so a million entries cost about 75 MB instead of the ~150 MB a Set<string> would. The digest is
 * already uniform, so four of its bytes are the hash.
 */
import { CID_BYTE_LENGTH } from '@anchorpost/protocol';

export class CidSet {
  readonly #slots: Uint8Array;
  readonly #mask: number;
  #size = 0;

  /** Room for `capacity` CIDs at a load factor of at most one half. */
  constructor(capacity: number) {
    let slots = 1024;
    while (slots < capacity * 2) slots *= 2;
    this.#slots = new Uint8Array(slots * CID_BYTE_LENGTH);
    this.#mask = slots - 1;
  }

  get size(): number {
    return this.#size;
  }

  /** Adds the CID; false if it was already there. */
  add(cid: Uint8Array): boolean {
    return this.#find(cid, true);
  }

  has(cid: Uint8Array): boolean {
    return !this.#find(cid, false);
  }

  #find(cid: Uint8Array, insert: boolean): boolean {
    if (cid.length !== CID_BYTE_LENGTH) throw new RangeError(`a CID of ${cid.length} bytes`);
    if (insert && this.#size * 2 >= this.#mask + 1) throw new RangeError('CidSet is full');
    const slots = this.#slots;
    // Bytes 4..7 are the start of the sha2-256 digest.
    let slot = ((cid[4]! << 24) | (cid[5]! << 16) | (cid[6]! << 8) | cid[7]!) & this.#mask;
    for (;;) {
      const at = slot * CID_BYTE_LENGTH;
      // A CIDv1 starts with 0x01, so a zero first byte marks an empty slot.
      if (slots[at] === 0) {
        if (insert) {
          slots.set(cid, at);
          this.#size += 1;
        }
        return true;
      }
      let same = true;
      for (let i = 0; i < CID_BYTE_LENGTH; i += 1) {
        if (slots[at + i] !== cid[i]) {
          same = false;
          break;
        }
      }
      if (same) return false;
      slot = (slot + 1) & this.#mask;
    }
  }
}
