/**
 * The UnixFS import parameters that make our CIDs equal to Kubo's
 * `ipfs add --cid-version=1 --raw-leaves` with its defaults. They are pinned here, not left to
 * library defaults, because a changed default anywhere (importer, Helia, Kubo profile) would give
 * the same file a different CID and break every proof that names it.
 */
import type { ImporterOptions } from 'ipfs-unixfs-importer';
import { fixedSize } from 'ipfs-unixfs-importer/chunker';
import { balanced } from 'ipfs-unixfs-importer/layout';

/** Kubo's default fixed chunk size (`size-262144`). */
export const UNIXFS_CHUNK_SIZE = 262_144;
/** Kubo's default links per balanced-layout node. */
export const UNIXFS_MAX_CHILDREN_PER_NODE = 174;

/**
 * A fresh options object for `ipfs-unixfs-importer` (or Helia's `unixfs.addBytes/addByteStream`)
 * reproducing Kubo's CIDv1 raw-leaves DAG. Fresh on every call because the chunker and layout
 * are functions that a caller could otherwise share or mutate.
 */
export function unixfsImporterOptions(): ImporterOptions {
  return {
    cidVersion: 1,
    rawLeaves: true,
    reduceSingleLeafToSelf: true,
    wrapWithDirectory: false,
    chunker: fixedSize({ chunkSize: UNIXFS_CHUNK_SIZE }),
    layout: balanced({ maxChildrenPerNode: UNIXFS_MAX_CHILDREN_PER_NODE }),
  };
}
