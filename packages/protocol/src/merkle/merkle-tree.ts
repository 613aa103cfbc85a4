/**
 * A whole RFC 6962 tree kept in memory to hand out inclusion proofs (the proof API builds one per
 * batch). Levels live in one Uint8Array, 32 bytes per node, instead of one object per node: a
 * million leaves cost about 64 MB of hashes (plus 36 MB if the CIDs are kept) and no GC pressure.
 *
 * Level k+1 pairs level k's nodes (2i, 2i+1); a lone last node moves up unchanged. That is the
 * same tree as MTH's "split at the largest power of two below n": the split always falls on a
 * pair boundary, and a lone node is exactly a right subtree that has no partner yet.
 */
import type { CID } from 'multiformats/cid';
import { ErrorCode, ProtocolError } from '../errors.ts';
import { bytesEqual, toHex } from '../bytes.ts';
import { CID_BYTE_LENGTH, cidBytesToText, cidToBytes, writeCidBytes } from '../cid/index.ts';
import {
  EMPTY_TREE_ROOT,
  MERKLE_HASH_SIZE,
  merkleLeafHash,
  merkleLeafHashInto,
  merkleNodeHashAt,
} from './hash.ts';
import { INCLUSION_PROOF_ALGORITHM, INCLUSION_PROOF_VERSION } from './inclusion-proof.ts';
import type { InclusionProof } from './inclusion-proof.ts';

const H = MERKLE_HASH_SIZE;
/** Every CID we accept (v1, one-byte codec, sha2-256) is exactly this long, so leaves pack flat. */
const CID_SIZE = CID_BYTE_LENGTH;

/** A byte buffer that doubles as it fills, for inputs whose length we learn only at the end. */
class GrowableBytes {
  bytes: Uint8Array;
  length = 0;
  constructor(initial: number) {
    this.bytes = new Uint8Array(Math.max(initial, 64));
  }
  /** Makes room for `size` more bytes and returns where they start. */
  reserve(size: number): number {
    if (this.length + size > this.bytes.byteLength) {
      const grown = new Uint8Array(Math.max(this.bytes.byteLength * 2, this.length + size));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    const at = this.length;
    this.length += size;
    return at;
  }
  append(chunk: Uint8Array): void {
    this.bytes.set(chunk, this.reserve(chunk.byteLength));
  }
}

function expectedLength(input: Iterable<unknown>, record: number): number {
  return Array.isArray(input) ? input.length * record : 1024 * record;
}

/** Nodes in all levels of a tree of `size` leaves (level sizes n, ⌈n/2⌉, …, 1). */
function totalNodes(size: number): number {
  let total = 0;
  for (let s = size; ; s = Math.ceil(s / 2)) {
    total += s;
    if (s <= 1) return total;
  }
}

/** Room for the whole tree when the leaf count is known, so the leaf level is written in place. */
function expectedTreeBytes(input: Iterable<unknown>): number {
  return Array.isArray(input) ? totalNodes(input.length) * H : 1024 * H;
}

export class MerkleTree {
  /** Number of leaves. */
  readonly size: number;
  readonly #nodes: Uint8Array;
  /** Buffer view of #nodes, for hex output without a copy per hash. */
  readonly #nodesBuffer: Buffer;
  /** Node index (in hashes, not bytes) where each level starts; level 0 is the leaves. */
  readonly #levelStart: readonly number[];
  readonly #levelSize: readonly number[];
  /** The leaves' CID bytes, 36 per leaf, when the tree was built from CIDs. */
  readonly #cids: Uint8Array | undefined;

  private constructor(leafHashes: Uint8Array, size: number, cids: Uint8Array | undefined) {
    this.size = size;
    this.#cids = cids;
    const levelStart: number[] = [];
    const levelSize: number[] = [];
    let total = 0;
    for (let s = size; ; s = Math.ceil(s / 2)) {
      levelStart.push(total);
      levelSize.push(s);
      total += s;
      if (s <= 1) break;
    }
    this.#levelStart = levelStart;
    this.#levelSize = levelSize;
    // Reuse the leaf buffer when it has room for every level (known leaf count); else copy once.
    let nodes = leafHashes.subarray(0, total * H);
    if (nodes.byteLength < total * H) {
      nodes = new Uint8Array(total * H);
      nodes.set(leafHashes.subarray(0, size * H));
    }
    for (let level = 1; level < levelStart.length; level += 1) {
      const below = levelStart[level - 1]! * H;
      const belowSize = levelSize[level - 1]!;
      let out = levelStart[level]! * H;
      for (let i = 0; i + 1 < belowSize; i += 2, out += H) merkleNodeHashAt(nodes, below + i * H, out);
      if (belowSize % 2 === 1) nodes.copyWithin(out, below + (belowSize - 1) * H, below + belowSize * H);
    }
    this.#nodes = nodes;
    this.#nodesBuffer = Buffer.from(nodes.buffer, nodes.byteOffset, nodes.byteLength);
  }

  /** A tree over leaf hashes (each `SHA-256(0x00 ‖ leaf)`); proofs then need the leaf CID passed in. */
  static fromLeafHashes(leafHashes: Iterable<Uint8Array>): MerkleTree {
    const buffer = new GrowableBytes(expectedTreeBytes(leafHashes));
    let count = 0;
    for (const leafHash of leafHashes) {
      if (leafHash.byteLength !== H) {
        throw new ProtocolError(ErrorCode.BadProof, `leaves[${count}]`, 'a leaf hash has 32 bytes');
      }
      buffer.append(leafHash);
      count += 1;
    }
    return new MerkleTree(buffer.bytes, count, undefined);
  }

  /** A tree over tx-file CIDs in order; it keeps the CIDs so `proof(index)` can name the leaf. */
  static fromCids(cids: Iterable<string | CID>): MerkleTree {
    const hashes = new GrowableBytes(expectedTreeBytes(cids));
    const packed = new GrowableBytes(expectedLength(cids, CID_SIZE));
    let count = 0;
    for (const cid of cids) {
      // Decode straight into the packed array and hash from there: no per-leaf allocation.
      const at = packed.reserve(CID_SIZE);
      writeCidBytes(cid, packed.bytes, at, `leaves[${count}]`);
      merkleLeafHashInto(packed.bytes.subarray(at, at + CID_SIZE), hashes.bytes, hashes.reserve(H));
      count += 1;
    }
    return new MerkleTree(hashes.bytes, count, packed.bytes.subarray(0, packed.length));
  }

  /** MTH of all leaves (SHA-256 of the empty string when there are none). */
  get root(): Uint8Array {
    if (this.size === 0) return EMPTY_TREE_ROOT.slice();
    return this.#nodes.slice(this.#nodes.byteLength - H);
  }

  get rootHex(): string {
    return toHex(this.root);
  }

  leafHash(index: number): Uint8Array {
    this.#checkIndex(index);
    return this.#nodes.slice(index * H, (index + 1) * H);
  }

  /** The leaf's CID, when the tree was built with `fromCids`. */
  leafCid(index: number): string | undefined {
    this.#checkIndex(index);
    if (this.#cids === undefined) return undefined;
    return cidBytesToText(this.#cids.subarray(index * CID_SIZE, (index + 1) * CID_SIZE));
  }

  /** RFC 9162 inclusion path of leaf `index`, leaf side first (views into the tree, not copies). */
  inclusionPath(index: number): Uint8Array[] {
    this.#checkIndex(index);
    return this.#pathOffsets(index).map((at) => this.#nodes.subarray(at, at + H));
  }

  /** Byte offsets of the path's hashes: a sibling at every level where the node has one. */
  #pathOffsets(index: number): number[] {
    const offsets: number[] = [];
    let i = index;
    for (let level = 0; level < this.#levelStart.length - 1; level += 1) {
      const sibling = i % 2 === 1 ? i - 1 : i + 1;
      if (sibling < this.#levelSize[level]!) offsets.push((this.#levelStart[level]! + sibling) * H);
      i = Math.floor(i / 2);
    }
    return offsets;
  }

  /**
   * The InclusionProof of leaf `index`. `leaf` is required for trees built from leaf hashes and,
   * when given, must be the CID whose leaf hash is stored there.
   */
  proof(index: number, leaf?: string | CID): InclusionProof {
    this.#checkIndex(index);
    let leafText: string;
    if (leaf !== undefined) {
      const cidBytes = cidToBytes(leaf, 'leaf');
      if (!bytesEqual(merkleLeafHash(cidBytes), this.#nodes.subarray(index * H, (index + 1) * H))) {
        throw new ProtocolError(ErrorCode.BadProof, 'leaf', `the CID is not leaf ${index} of this tree`);
      }
      leafText = typeof leaf === 'string' ? leaf : leaf.toString();
    } else {
      const stored = this.leafCid(index);
      if (stored === undefined) {
        throw new ProtocolError(
          ErrorCode.BadProof,
          'leaf',
          'tree was built from leaf hashes; pass the leaf CID',
        );
      }
      leafText = stored;
    }
    return {
      version: INCLUSION_PROOF_VERSION,
      algorithm: INCLUSION_PROOF_ALGORITHM,
      leaf: leafText,
      index,
      treeSize: this.size,
      path: this.#pathOffsets(index).map((at) => this.#nodesBuffer.toString('hex', at, at + H)),
      root: this.rootHex,
    };
  }

  #checkIndex(index: number): void {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.size) {
      throw new ProtocolError(
        ErrorCode.BadProof,
        'index',
        `index ${index} is out of range for a tree of ${this.size} leaves`,
      );
    }
  }
}
