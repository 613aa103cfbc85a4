/**
 * The blocks of a CAR v1 stream (what Kubo's `dag/export` sends), read as the bytes arrive: a
 * varint-prefixed DAG-CBOR header, then sections of varint length, CID and block bytes. Memory
 * stays at one section plus one network chunk; a section longer than a block may be (1 MiB and a
 * CID) is refused before it is buffered. Every block is checked against its CID here, so a CAR
 * cannot hand on bytes that do not hash to the address they come under.
 */
import * as dagCbor from '@ipld/dag-cbor';
import { varint } from 'multiformats';
import { CID } from 'multiformats/cid';
import { StorageError, StorageErrorCode } from '@anchorpost/storage-port';
import type { DagBlock } from '@anchorpost/storage-port';
import { checkBlockBytes, MAX_BLOCK_SIZE } from '../block-check.ts';

/** A CID's bytes are well under this (CIDv1 sha2-256: 36 bytes). */
const MAX_CID_BYTES = 128;
/** A CAR header names a few roots: a header larger than this is not one. */
const MAX_HEADER_BYTES = 4_096;

/** Bytes pulled from an async source on demand, kept as a list of chunks. */
class ChunkReader {
  readonly #source: AsyncIterator<Uint8Array>;
  #chunks: Uint8Array[] = [];
  #length = 0;
  #ended = false;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.#source = source[Symbol.asyncIterator]();
  }

  /** Reads until `n` bytes are buffered or the source ends; returns how many are buffered. */
  async fill(n: number): Promise<number> {
    while (this.#length < n && !this.#ended) {
      const next = await this.#source.next();
      if (next.done === true) {
        this.#ended = true;
      } else if (next.value.byteLength > 0) {
        this.#chunks.push(next.value);
        this.#length += next.value.byteLength;
      }
    }
    return this.#length;
  }

  /** The first `n` buffered bytes (n ≤ buffered), without consuming them. */
  peek(n: number): Uint8Array {
    const first = this.#chunks[0]!;
    if (first.byteLength >= n) return first.subarray(0, n);
    const joined = Buffer.concat(this.#chunks, this.#length);
    this.#chunks = [joined];
    return joined.subarray(0, n);
  }

  /** Consumes and returns the first `n` buffered bytes (n ≤ buffered). */
  take(n: number): Uint8Array {
    const bytes = this.peek(n);
    const first = this.#chunks[0]!;
    if (first.byteLength === n) this.#chunks.shift();
    else this.#chunks[0] = first.subarray(n);
    this.#length -= n;
    return bytes;
  }

  async close(): Promise<void> {
    await this.#source.return?.();
  }
}

function badCar(what: string, detail: string): StorageError {
  return new StorageError(StorageErrorCode.Internal, `${what}: the CAR stream ${detail}`);
}

/** A varint, or undefined at a clean end of the stream. */
async function readVarint(reader: ChunkReader, what: string): Promise<number | undefined> {
  const buffered = await reader.fill(10);
  if (buffered === 0) return undefined;
  let value: number;
  let length: number;
  try {
    [value, length] = varint.decode(reader.peek(Math.min(buffered, 10)));
  } catch {
    throw badCar(what, 'has a malformed length');
  }
  reader.take(length);
  return value;
}

async function readExact(reader: ChunkReader, n: number, what: string): Promise<Uint8Array> {
  if ((await reader.fill(n)) < n) throw badCar(what, 'ends inside a section');
  return reader.take(n);
}

/** The CAR's blocks, each checked against its CID; the roots in the header are not checked here. */
export async function* carBlocks(
  source: AsyncIterable<Uint8Array>,
  what: string,
): AsyncGenerator<DagBlock, void, undefined> {
  const reader = new ChunkReader(source);
  try {
    const headerLength = await readVarint(reader, what);
    if (headerLength === undefined || headerLength > MAX_HEADER_BYTES) throw badCar(what, 'has no header');
    const header = dagCbor.decode<{ version?: unknown }>(await readExact(reader, headerLength, what));
    if (header.version !== 1) throw badCar(what, `is version ${String(header.version)}, not 1`);
    for (;;) {
      const sectionLength = await readVarint(reader, what);
      if (sectionLength === undefined) return;
      if (sectionLength > MAX_BLOCK_SIZE + MAX_CID_BYTES) {
        throw new StorageError(
          StorageErrorCode.TooLarge,
          `${what}: a ${sectionLength}-byte section is larger than a block may be`,
        );
      }
      const section = await readExact(reader, sectionLength, what);
      let cid: CID;
      let bytes: Uint8Array;
      try {
        [cid, bytes] = CID.decodeFirst(section);
      } catch {
        throw badCar(what, 'has a section that does not start with a CID');
      }
      const v1 = cid.toV1();
      checkBlockBytes(v1, bytes);
      yield { cid: v1.toString(), bytes };
    }
  } finally {
    await reader.close();
  }
}
