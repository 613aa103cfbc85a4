/**
 * The per-file checks of a submit — YAML parse and canonical form, no v0.1 file, CID, the
 * client's signature — on a small pool of worker threads, so that they use another core instead of
 * the relay's event loop, where they were the largest share of its CPU once submits were grouped.
 * With `threads: 0` they run inline, as before. Bounded: at most `maxWaiting` checks wait or run
 * at once; past that a submit is refused at once with INGEST_QUEUE_FULL (retryable), like a full
 * group queue. A protocol refusal in a thread comes back as the same ProtocolError (code, field,
 * message); a thread that dies fails the checks it held and is replaced on the next one.
 */
import {
  cidForBytes,
  fromJobFailure,
  parseCanonicalTxFile,
  refuseLegacyTxFile,
  verifyClientSignature,
  WorkerPool,
} from '@anchorpost/protocol';
import type { JobFailure, PublicIdentity, TxFile, WithoutId } from '@anchorpost/protocol';
import { RelayError, RelayErrorCode } from './relay-error.ts';

export interface ParsedTxFile {
  tx: TxFile;
  cid: string;
}

/** What the pool sends a thread. */
export type CheckJob =
  | { id: number; kind: 'parse'; bytes: Uint8Array; maxBytes: number }
  | { id: number; kind: 'verify'; tx: TxFile; clientKey: PublicIdentity };

/** A refusal as it crosses the thread boundary. */
export type CheckFailure = JobFailure;

/** What a thread answers. */
export type CheckAnswer =
  { id: number; ok: true; parsed?: ParsedTxFile } | { id: number; ok: false; failure: CheckFailure };

export interface TxFileChecksOptions {
  /** Worker threads; 0 runs the checks on the calling thread. */
  threads: number;
  /** Checks waiting or running at once, at most. */
  maxWaiting: number;
}

/** How long a client refused for a full check queue is told to wait. */
const FULL_RETRY_AFTER_MS = 100;

export class TxFileChecks {
  readonly #options: TxFileChecksOptions;
  readonly #pool: WorkerPool<CheckJob, CheckAnswer> | undefined;
  #inFlight = 0;
  #closed = false;

  constructor(options: TxFileChecksOptions) {
    this.#options = options;
    // The compiled package runs the .js beside this file; tests and benches run the .ts sources.
    const file = import.meta.url.endsWith('.ts') ? './tx-file-check-worker.ts' : './tx-file-check-worker.js';
    this.#pool =
      options.threads === 0
        ? undefined
        : new WorkerPool({
            script: new URL(file, import.meta.url),
            threads: options.threads,
            owner: 'the relay',
          });
  }

  /** Threads started and alive (they start on the first checks that find none idle). */
  get runningThreads(): number {
    return this.#pool?.runningThreads ?? 0;
  }

  /** The tx-file these bytes are, in canonical form and not v0.1, and its CID. */
  async parse(bytes: Uint8Array, maxBytes: number): Promise<ParsedTxFile> {
    if (this.#options.threads === 0) {
      const tx = parseCanonicalTxFile(bytes, { maxBytes });
      refuseLegacyTxFile(tx);
      return { tx, cid: await cidForBytes(bytes) };
    }
    const answer = await this.#run({ kind: 'parse', bytes, maxBytes });
    return answer.parsed!;
  }

  /** BAD_KEY or BAD_SIGNATURE unless `clientKey` signed `tx` (see verifyClientSignature). */
  async verify(tx: TxFile, clientKey: PublicIdentity): Promise<void> {
    if (this.#options.threads === 0) {
      verifyClientSignature(tx, clientKey);
      return;
    }
    await this.#run({ kind: 'verify', tx, clientKey });
  }

  /** Stops the threads; checks still running fail. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#pool?.close();
  }

  async #run(job: WithoutId<CheckJob>): Promise<Extract<CheckAnswer, { ok: true }>> {
    if (this.#closed) throw new Error('the relay is closed');
    if (this.#inFlight >= this.#options.maxWaiting) {
      throw new RelayError(
        RelayErrorCode.IngestQueueFull,
        `the relay has ${this.#inFlight} tx-files waiting to be checked; retry shortly`,
        { retryAfterMs: FULL_RETRY_AFTER_MS },
      );
    }
    this.#inFlight += 1;
    try {
      const answer = await this.#pool!.run(job);
      if (answer.ok) return answer;
      throw fromJobFailure(answer.failure);
    } finally {
      this.#inFlight -= 1;
    }
  }
}
