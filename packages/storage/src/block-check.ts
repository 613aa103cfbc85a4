/**
 * Content is checked against its CID both ways: a block put under the wrong CID would poison
 * every proof that names it, and bytes read back from a daemon or disk are only trusted once they
 * hash to the address we asked for.
 */
import { hash } from 'node:crypto';
import { MAX_BATCH_BLOCK_SIZE } from '@anchorpost/protocol';
import type { CID } from 'multiformats/cid';
import { StorageError, StorageErrorCode } from '@anchorpost/storage-port';

/** The largest block a store accepts: 1 MiB, the block size every IPFS implementation transfers. */
export const MAX_BLOCK_SIZE = MAX_BATCH_BLOCK_SIZE;

/** Throws CID_MISMATCH unless `bytes` hash to `cid` (a checked CIDv1 sha2-256, see the protocol's toCid). */
export function checkBlockBytes(cid: CID, bytes: Uint8Array): void {
  const digest = hash('sha256', bytes, 'buffer');
  if (!digest.equals(cid.multihash.digest)) {
    throw new StorageError(
      StorageErrorCode.CidMismatch,
      `block ${cid.toString()}: its ${bytes.byteLength} bytes hash to a different CID`,
    );
  }
}

/**
 * Throws CID_MISMATCH unless a file read back under `cid` re-imports to it. Reads are checked
 * because neither Helia's exporter nor Kubo (HashOnRead off by default) hashes what it serves;
 * the check uses the protocol's import options, which every Anchorpost file is added with.
 */
export function checkFileCid(cid: CID, computed: string): void {
  if (computed !== cid.toString()) {
    throw new StorageError(
      StorageErrorCode.CidMismatch,
      `file ${cid.toString()}: the bytes read back import as ${computed} (damaged, or not added with the protocol's options)`,
    );
  }
}

/** Throws TOO_LARGE for a block over MAX_BLOCK_SIZE. */
export function checkBlockSize(cid: CID, bytes: Uint8Array): void {
  if (bytes.byteLength > MAX_BLOCK_SIZE) {
    throw new StorageError(
      StorageErrorCode.TooLarge,
      `block ${cid.toString()}: ${bytes.byteLength} bytes exceed the ${MAX_BLOCK_SIZE}-byte block limit`,
    );
  }
}
