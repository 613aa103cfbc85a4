/**
 * Hooks for metrics and logs (the service hangs prom-client on them). Every hook is optional and
 * must not throw; a throwing hook is ignored so that metrics never stop the parser.
 */
import type { ChainAnchor } from '@anchorpost/chains';
import type { BatchRecord, ChainCursorRecord } from '@anchorpost/db-port';

export interface ParserObserver {
  /** A batch, its tx-files and its anchor are in the index. */
  anchorIndexed?(event: { anchor: ChainAnchor; batch: BatchRecord; txFilesIndexed: number }): void;
  /** An anchor was skipped for good: its batch-file is missing, malformed or does not match. */
  anchorRejected?(event: { anchor: ChainAnchor; error: Error }): void;
  /**
   * Following a peer: the anchor's batch-file is out of reach of this platform's IPFS network
   * (PEER_CONTENT_UNREACHABLE). The run ends there without moving the cursor; it is tried again.
   */
  contentUnreachable?(event: { anchor: ChainAnchor; error: Error }): void;
  /** A tx-file of a valid batch was left out (cannot be fetched or parsed). */
  txFileRejected?(event: { batchCid: string; index: number; cid: string; error: Error }): void;
  /**
   * How a batch's tx-files were read (ADR 0036): `bulk` from the batch's one DAG stream, `single`
   * on their own (not raw leaves, repeated, or after the stream ended early — `bulkFailure` says why).
   */
  txFilesRead?(event: { batchCid: string; bulk: number; single: number; bulkFailure: unknown }): void;
  /** Blocks between the chain head and the cursor, after each page and each run. */
  headLag?(blocks: number): void;
  /** The stored cursor's block is no longer canonical; reading goes on from `fromBlock`. */
  reorg?(event: { cursor: ChainCursorRecord; fromBlock: number }): void;
  /** A retryable storage failure; the same read is tried again after `delayMs`. */
  retry?(event: { what: string; attempt: number; delayMs: number; error: Error }): void;
  /** A run of the start() loop failed; the loop backs off and tries again. */
  runFailed?(event: { error: unknown; delayMs: number }): void;
}

/** Calls a hook, swallowing whatever it throws. */
export function notify<K extends keyof ParserObserver>(
  observer: ParserObserver | undefined,
  hook: K,
  event: Parameters<NonNullable<ParserObserver[K]>>[0],
): void {
  const fn = observer?.[hook] as ((event: unknown) => void) | undefined;
  if (fn === undefined) return;
  try {
    fn.call(observer, event);
  } catch {
    // see above: observers never break the parser
  }
}
