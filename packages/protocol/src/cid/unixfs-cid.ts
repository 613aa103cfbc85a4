/**
 * Content addresses of files, computed without storing anything: the importer writes into a
 * blockstore that forgets every block, so only the hashing work remains. No Node built-in here:
 * browsers compute CIDs with this too (cid-for-bytes-web.ts).
 */
import { importByteStream, importBytes } from 'ipfs-unixfs-importer';
import type { WritableStorage } from 'ipfs-unixfs-importer';
import { CID } from 'multiformats/cid';
import * as Digest from 'multiformats/hashes/digest';
import { ErrorCode, ProtocolError } from '../errors.ts';
import { CidCodec } from './parse-cid.ts';
import { UNIXFS_CHUNK_SIZE, unixfsImporterOptions } from './importer-options.ts';

const SHA2_256 = 0x12;

/** Accepts every block and keeps none: we want the CID, not the blocks. */
const discardingBlockstore: WritableStorage = {
  put: (cid) => cid,
};

/** The CID of a file of at most one chunk: a single raw leaf, so the raw-codec CID of its SHA-256. */
export function rawLeafCid(sha256: Uint8Array): string {
  return CID.createV1(CidCodec.Raw, Digest.create(SHA2_256, sha256)).toString();
}

export function checkSingleChunk(bytes: Uint8Array): void {
  if (bytes.byteLength > UNIXFS_CHUNK_SIZE) {
    throw new ProtocolError(
      ErrorCode.TooLarge,
      '-',
      `a single-chunk file has at most ${UNIXFS_CHUNK_SIZE} bytes, got ${bytes.byteLength}`,
    );
  }
}

/**
 * ipfs-unixfs (through protons-runtime 7) encodes a UnixFS file size of 2^31 bytes or more wrongly,
 * and differently on each call, so such a file's CID would be wrong. Refuse it rather than give a
 * CID Kubo would not give. (Tx-files are at most a few MiB; this bounds `anchorpost cid` only.)
 */
export const MAX_CID_FILE_BYTES = 2 ** 31 - 1;

function tooLargeForCid(size: number): ProtocolError {
  return new ProtocolError(
    ErrorCode.TooLarge,
    '-',
    `files of ${MAX_CID_FILE_BYTES + 1} bytes or more are not supported (got at least ${size}): the UnixFS encoder mis-encodes their size`,
  );
}

/** Always goes through the UnixFS importer; exported so tests can prove the fast path agrees. */
export async function cidForBytesViaImporter(bytes: Uint8Array): Promise<string> {
  if (bytes.byteLength > MAX_CID_FILE_BYTES) throw tooLargeForCid(bytes.byteLength);
  const result = await importBytes(bytes, discardingBlockstore, unixfsImporterOptions());
  return result.cid.toString();
}

/**
 * Same CID as `cidForBytes` of the concatenated chunks, for files too large to hold in memory:
 * the importer re-chunks the stream itself, so the source's chunk boundaries do not matter.
 */
export async function cidForChunks(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): Promise<string> {
  const result = await importByteStream(counted(source), discardingBlockstore, unixfsImporterOptions());
  return result.cid.toString();
}

async function* counted(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of source) {
    total += chunk.byteLength;
    if (total > MAX_CID_FILE_BYTES) throw tooLargeForCid(total);
    yield chunk;
  }
}
