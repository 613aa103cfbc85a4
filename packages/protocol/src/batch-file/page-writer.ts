/**
 * Writes page blocks straight from packed CID bytes. A page is always the same small DAG-CBOR
 * shape, so writing its bytes directly saves building 16,384 CID objects per page (most of the
 * encoder's time at a million entries). `decodeBatchPage` reads pages with @ipld/dag-cbor and
 * requires byte-identical re-encoding, so any drift from real DAG-CBOR would fail verification
 * (and the tests compare against an independent encoder).
 *
 *   { "index": uint, "entries": [ tag42(0x00 ‖ cid) … ], "version": 1 }
 *   — DAG-CBOR key order: shorter keys first, then bytewise.
 */
import type { CID } from 'multiformats/cid';
import { CID_BYTE_LENGTH, CidCodec, writeCidBytes } from '../cid/index.ts';
import { dagCborCid } from './block.ts';
import type { EncodedBlock } from './block.ts';
import { badBatch } from './header.ts';
import { BATCH_FILE_VERSION, BATCH_PAGE_SIZE, MAX_BATCH_BLOCK_SIZE } from './schema.ts';

/** A map key: text string head (major type 3) and its ASCII bytes. */
const textKey = (key: string): number[] => [0x60 | key.length, ...Buffer.from(key, 'ascii')];
const KEY_INDEX = textKey('index');
const KEY_ENTRIES = textKey('entries');
const KEY_VERSION = textKey('version');
/** Tag 42, a byte string of 37: 0x00 (identity multibase prefix) ‖ the 36-byte CID. */
const LINK_PREFIX = [0xd8, 0x2a, 0x58, CID_BYTE_LENGTH + 1, 0x00];
const LINK_SIZE = LINK_PREFIX.length + CID_BYTE_LENGTH;

/** Shortest CBOR head for major type `major` and argument `n` (n < 2^32 here). */
function cborHead(major: number, n: number): number[] {
  const m = major << 5;
  if (n < 24) return [m | n];
  if (n < 0x100) return [m | 24, n];
  if (n < 0x10000) return [m | 25, n >>> 8, n & 0xff];
  return [m | 26, n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

export class BatchPageWriter {
  readonly #entries = new Uint8Array(BATCH_PAGE_SIZE * CID_BYTE_LENGTH);
  #count = 0;

  get count(): number {
    return this.#count;
  }

  /**
   * Decodes and checks the next entry straight into the page (BAD_CID on `field` if it is not a
   * tx-file CID) and returns its 36 bytes, a view valid until the page is sealed.
   */
  add(cid: string | CID, field: string): Uint8Array {
    const at = this.#count * CID_BYTE_LENGTH;
    writeCidBytes(cid, this.#entries, at, field, [CidCodec.Raw, CidCodec.DagPb]);
    this.#count += 1;
    return this.#entries.subarray(at, at + CID_BYTE_LENGTH);
  }

  /** Takes back the entry just added (it was refused, e.g. as a duplicate). */
  dropLast(): void {
    this.#count -= 1;
  }

  /** Encodes the page at position `index` and starts an empty one. */
  seal(index: number): EncodedBlock {
    const head = [0xa3, ...KEY_INDEX, ...cborHead(0, index), ...KEY_ENTRIES, ...cborHead(4, this.#count)];
    const tail = [...KEY_VERSION, ...cborHead(0, BATCH_FILE_VERSION)];
    const bytes = new Uint8Array(head.length + this.#count * LINK_SIZE + tail.length);
    bytes.set(head, 0);
    let at = head.length;
    for (let i = 0; i < this.#count; i += 1, at += LINK_SIZE) {
      bytes.set(LINK_PREFIX, at);
      bytes.set(
        this.#entries.subarray(i * CID_BYTE_LENGTH, (i + 1) * CID_BYTE_LENGTH),
        at + LINK_PREFIX.length,
      );
    }
    bytes.set(tail, at);
    if (bytes.byteLength > MAX_BATCH_BLOCK_SIZE) {
      throw badBatch(`pages[${index}]`, `block of ${bytes.byteLength} bytes exceeds ${MAX_BATCH_BLOCK_SIZE}`);
    }
    this.#count = 0;
    return { cid: dagCborCid(bytes), bytes };
  }
}
