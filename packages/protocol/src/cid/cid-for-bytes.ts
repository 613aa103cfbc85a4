/**
 * Content addresses of files with node:crypto's SHA-256 on the single-chunk fast path (most
 * tx-files); larger files go through the UnixFS importer (unixfs-cid.ts).
 */
import { hash } from 'node:crypto';
import { UNIXFS_CHUNK_SIZE } from './importer-options.ts';
import { checkSingleChunk, cidForBytesViaImporter, rawLeafCid } from './unixfs-cid.ts';

export { cidForBytesViaImporter, cidForChunks, MAX_CID_FILE_BYTES } from './unixfs-cid.ts';

/**
 * Synchronous CID of a file of at most one chunk (262,144 bytes). Such a file is a single raw
 * leaf, so its CID is just the raw-codec CID of its SHA-256; the empty file included.
 */
export function cidForSmallBytes(bytes: Uint8Array): string {
  checkSingleChunk(bytes);
  return rawLeafCid(new Uint8Array(hash('sha256', bytes, 'buffer')));
}

/** The CIDv1 Kubo prints for `ipfs add --cid-version=1 --raw-leaves --only-hash` of these bytes. */
export async function cidForBytes(bytes: Uint8Array): Promise<string> {
  // Fast path: most tx-files fit in one chunk, and hashing them needs no importer round trip.
  if (bytes.byteLength <= UNIXFS_CHUNK_SIZE) return cidForSmallBytes(bytes);
  return cidForBytesViaImporter(bytes);
}
