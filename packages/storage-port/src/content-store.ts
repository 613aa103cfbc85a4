/**
 * The storage port: content-addressed files and blocks, pins and garbage collection — the part
 * of IPFS Anchorpost needs. Services see only this interface; `HeliaContentStore` (embedded) and
 * `KuboContentStore` (a Kubo daemon over its RPC API) implement it, and one contract suite
 * (`@anchorpost/storage/testing`) runs against both.
 *
 * CIDs go in as canonical text or CID objects (anything else is the protocol's BAD_CID) and come
 * out as canonical text: CIDv1, sha2-256, lower-case base32 — the form proofs name.
 */
import type { CID } from 'multiformats/cid';
import type { DagBlock, ExportDagOptions } from './dag-export.ts';

/** A content address: canonical CID text (`b…`) or a CID object. */
export type ContentAddress = string | CID;

export interface OperationOptions {
  /**
   * Time limit of the whole operation in milliseconds; past it the call fails with TIMEOUT.
   * Omitted: the store's default (see each method; reads are always bounded).
   */
  timeoutMs?: number;
  /** Cancels the operation (ABORTED). */
  signal?: AbortSignal;
}

export interface AddFileOptions extends OperationOptions {
  /** Pin the file so garbage collection keeps it. Default false. */
  pin?: boolean;
}

export interface ReadFileOptions extends OperationOptions {
  /** Refuse (TOO_LARGE) a file longer than this many bytes, without reading past the limit. */
  maxBytes?: number;
}

export interface GetFileOptions extends ReadFileOptions {
  /** Required when buffering a whole file: memory stays bounded by what the caller accepts. */
  maxBytes: number;
}

export interface PinOptions extends OperationOptions {
  /** Keep everything the CID links to (a batch-file's pages and tx-files), not just its own block. Default true. */
  recursive?: boolean;
}

export interface StoreHealth {
  ok: boolean;
  /** One line for people: the backend and its version when healthy, what is wrong otherwise. */
  detail: string;
}

export interface ContentStore {
  /**
   * Stores a file as UnixFS with the protocol's Kubo-identical import options and returns its
   * CID, which always equals `cidForBytes(bytes)` (checked; CID_MISMATCH would be a bug).
   * Default time limit: the store's.
   */
  addFile(bytes: Uint8Array, options?: AddFileOptions): Promise<string>;
  /**
   * `addFile` for a file given as a stream of chunks (any sizes), which is never held in memory
   * whole; the result equals `cidForChunks(source)`. No default time limit: it scales with the input.
   */
  addFileStream(
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    options?: AddFileOptions,
  ): Promise<string>;
  /**
   * `addFile` for several whole files (a batch's tx-files): their CIDs in the order given, each
   * checked like `addFile`'s. Kubo takes them in one request, the embedded store one after
   * another. When it rejects, some may be stored already (adding again is idempotent). Default
   * time limit: the store's, for the whole call.
   */
  addFiles(files: readonly Uint8Array[], options?: AddFileOptions): Promise<string[]>;
  /**
   * The bytes of a UnixFS file, at most `maxBytes` of them (TOO_LARGE otherwise, refused before
   * more than `maxBytes` are buffered). NOT_FOUND when the store does not have it and cannot get
   * it; NOT_A_FILE for a CID that is not a file. Default time limit: the store's.
   */
  getFile(cid: ContentAddress, options: GetFileOptions): Promise<Uint8Array>;
  /**
   * The file's bytes as a stream, for files too large to buffer. The time limit covers the whole
   * read (default: the store's), and `maxBytes`, if given, stops the stream with TOO_LARGE.
   */
  getFileStream(cid: ContentAddress, options?: ReadFileOptions): AsyncIterable<Uint8Array>;
  /**
   * Stores one block under its CID (a batch-file block is DAG-CBOR). The bytes must hash to the
   * CID (CID_MISMATCH otherwise, and nothing is stored); a block is at most 1 MiB (TOO_LARGE).
   */
  putBlock(cid: ContentAddress, bytes: Uint8Array, options?: OperationOptions): Promise<void>;
  /** The bytes of one block, checked against its CID. */
  getBlock(cid: ContentAddress, options?: OperationOptions): Promise<Uint8Array>;
  /**
   * Every block of the DAG under `cid` as one stream: the root first, then depth-first in link
   * order (a batch-file: root, page 0, its tx-files, page 1, …). Each block is checked against its
   * CID before it is handed on (CID_MISMATCH ends the stream); a block linked more than once may
   * come only the first time. A missing block ends the stream with NOT_FOUND (or TIMEOUT, when a
   * networked store is still looking for it) after the blocks before it. Streamed with
   * back-pressure: the store reads ahead a bounded amount, never the whole DAG. No default time
   * limit (see ExportDagOptions).
   */
  exportDag(cid: ContentAddress, options?: ExportDagOptions): AsyncIterable<DagBlock>;
  /** Whether this store holds the CID's block locally (never asks the network). */
  has(cid: ContentAddress, options?: OperationOptions): Promise<boolean>;
  /**
   * Protects the CID from garbage collection; recursively (the default) with every block it
   * links, so pinning a batch-file root keeps every tx-file it names. Idempotent. Every linked
   * block must be available (NOT_FOUND otherwise). No default time limit: it scales with the DAG.
   */
  pin(cid: ContentAddress, options?: PinOptions): Promise<void>;
  /**
   * Removes this CID's own pin (recursive or direct); idempotent. Blocks other pins keep stay.
   * No default time limit (the embedded store walks the DAG to release it).
   */
  unpin(cid: ContentAddress, options?: OperationOptions): Promise<void>;
  /** Whether garbage collection keeps the CID's block: pinned itself, or linked from a recursive pin. */
  isPinned(cid: ContentAddress, options?: OperationOptions): Promise<boolean>;
  /** Deletes every block no pin keeps (tests and operations). No default time limit. */
  gc(options?: OperationOptions): Promise<void>;
  /** Whether the store can serve requests now; never throws. */
  health(): Promise<StoreHealth>;
  /** Releases the store; later calls fail with CLOSED. Idempotent. */
  close(): Promise<void>;
}
