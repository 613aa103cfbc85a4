/**
 * Batch-file v1 (seed 001, "Batch-file"): the unique list of tx-files sealed in one interval,
 * stored as a DAG-CBOR DAG so that pinning the root recursively keeps every tx-file it names.
 *
 *   root  { version: 1, platform, sequence, previous: CID | null, sealedAt, merkleRoot: bytes(32),
 *           count, pageSize, pages: [CID …] }
 *   page  { version: 1, index, entries: [tx-file CID …] }
 *
 * Entries are split into pages of 16,384 links so that no block exceeds 1 MiB (the block size
 * every IPFS implementation transfers) even for a million tx-files. `merkleRoot` is the RFC 6962
 * root over the entries' CID bytes in order: the value anchored on chain and the root of every
 * InclusionProof. `previous` chains the batches (null only for sequence 0) so a gap is visible.
 */
import type { CID } from 'multiformats/cid';

export const BATCH_FILE_VERSION = 1;
/** Entries per page; fixed in v1 so the same entries always give the same blocks. */
export const BATCH_PAGE_SIZE = 16_384;
/** Largest block we write or accept: Kubo's and Helia's 1 MiB block limit. */
export const MAX_BATCH_BLOCK_SIZE = 1_048_576;
/**
 * Most pages a root block can link within MAX_BATCH_BLOCK_SIZE: a page link costs 41 bytes in
 * DAG-CBOR (tag 42, a 2-byte bytes header, 0x00 and the 36-byte CID), and 2 KiB is left for the
 * other fields (`platform` is at most 256 characters).
 */
export const MAX_BATCH_PAGES = Math.floor((MAX_BATCH_BLOCK_SIZE - 2048) / 41);
/** Most entries one batch-file can name (about 418 million); the batcher seals long before. */
export const MAX_BATCH_ENTRIES = MAX_BATCH_PAGES * BATCH_PAGE_SIZE;

/** What the batcher decides; the rest of the root is derived from the entries. */
export interface BatchHeader {
  /** Identifies the platform (operator deployment) whose chain of batches this is. */
  platform: string;
  /** 0 for the first batch, then +1 per batch. */
  sequence: number;
  /** Root CID of batch `sequence - 1`; null exactly when `sequence` is 0. */
  previous: string | CID | null;
  /** RFC 3339 UTC with milliseconds, e.g. `2026-11-22T03:00:00.000Z`. */
  sealedAt: string;
}

export interface BatchRoot {
  version: typeof BATCH_FILE_VERSION;
  platform: string;
  sequence: number;
  previous: CID | null;
  sealedAt: string;
  merkleRoot: Uint8Array;
  count: number;
  pageSize: number;
  pages: CID[];
}

export interface BatchPage {
  version: typeof BATCH_FILE_VERSION;
  index: number;
  entries: CID[];
}
