/**
 * Reading a whole DAG in one request (ADR 0036): a batch-file's root, its pages and every tx-file
 * they link, streamed block by block — Kubo's `dag/export` (a CAR stream), the embedded store's
 * walk of its blockstore — so that a reader pays one request per batch, not one per block.
 */
import type { OperationOptions } from './content-store.ts';

/** One block of an exported DAG, already checked against its CID. */
export interface DagBlock {
  /** Canonical CID text (CIDv1, sha2-256, base32). */
  readonly cid: string;
  readonly bytes: Uint8Array;
}

/**
 * Options of `exportDag`. There is no default time limit (it scales with the DAG): a reader that
 * wants one per block aborts `signal` when the next block is late.
 */
export type ExportDagOptions = OperationOptions;
