/**
 * Content addresses of files, computed without storing anything: the importer writes into a
 * blockstore that forgets every block, so only the hashing work remains.
 */
import { hash } from 'node:crypto';
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

/**
 * Synchronous CID of a file of at most one chunk (262,144 bytes). Such a file is a single raw
 * leaf, so its CID is just the raw-codec CID of its SHA-256; the empty file included.
 */
export function cidForSmallBytes(bytes: Uint8Array): string {
  if (bytes.byteLength > UNIXFS_CHUNK_SIZE) {
    throw new ProtocolError(
      ErrorCode.TooLarge,
      '-',
      `a single-chunk file has at most ${UNIXFS_CHUNK_SIZE} bytes, got ${bytes.byteLength}`,
    );
  }
  const digest = new Uint8Array(hash('sha256', bytes, 'buffer'));
  return CID.createV1(CidCodec.Raw, Digest.create(SHA2_256, digest)).toString();
}

/** The CIDv1 Kubo prints for `ipfs add --cid-version=1 --raw-leaves --only-hash` of these bytes. */
export async function cidForBytes(bytes: Uint8Array): Promise<string> {
  // Fast path: most tx-files fit in one chunk, and hashing them needs no importer round trip.
  if (bytes.byteLength <= UNIXFS_CHUNK_SIZE) return cidForSmallBytes(bytes);
  return cidForBytesViaImporter(bytes);
}

/** Always goes through the UnixFS importer; exported so tests can prove the fast path agrees. */
export async function cidForBytesViaImporter(bytes: Uint8Array): Promise<string> {
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
  const result = await importByteStream(source, discardingBlockstore, unixfsImporterOptions());
  return result.cid.toString();
}
