/**
 * Tx-file parsing (YAML into an index row) on a pool of worker threads (ADR 0036), so that it
 * uses another core while the event loop reads blocks and writes rows. Files handed in within
 * the same turn of the event loop travel to a thread in one message (at most MAX_FILES_PER_JOB),
 * so the cost of a message is shared. With `threads: 0` it runs inline, as before. Memory: the
 * callers bound how many files wait (the indexer's fetch concurrency). A refusal in a thread comes
 * back as the same ProtocolError (code, field, message).
 */
import { fromJobFailure, WorkerPool } from '@anchorpost/protocol';
import type { JobFailure } from '@anchorpost/protocol';
import type { TxFileRecord } from '@anchorpost/db-port';
import { toTxFileRecord } from './tx-file-record.ts';

export interface ParseFile {
  cid: string;
  bytes: Uint8Array;
  batchSequence: number;
  position: number;
}

/** What the pool sends a thread. */
export interface ParseJob {
  id: number;
  files: ParseFile[];
}

export type ParseResult = { ok: true; row: TxFileRecord } | { ok: false; failure: JobFailure };

/** What a thread answers: one result per file, in order. */
export interface ParseAnswer {
  id: number;
  results: ParseResult[];
}

/** Files per message at most: enough to share its cost, few enough to spread over the threads. */
export const MAX_FILES_PER_JOB = 64;

interface Pending {
  file: ParseFile;
  resolve(row: TxFileRecord): void;
  reject(error: Error): void;
}

export class TxFileParsing {
  readonly #pool: WorkerPool<ParseJob, ParseAnswer> | undefined;
  #pending: Pending[] = [];

  /** `threads`: worker threads; 0 parses on the calling thread. */
  constructor(threads: number) {
    // The compiled package runs the .js beside this file; tests and benches run the .ts sources.
    const file = import.meta.url.endsWith('.ts') ? './tx-file-parse-worker.ts' : './tx-file-parse-worker.js';
    this.#pool =
      threads === 0
        ? undefined
        : new WorkerPool({ script: new URL(file, import.meta.url), threads, owner: 'the parser' });
  }

  /** Threads started and alive. */
  get runningThreads(): number {
    return this.#pool?.runningThreads ?? 0;
  }

  /** The index row of this tx-file; a ProtocolError if it is not one. */
  record(file: ParseFile): Promise<TxFileRecord> {
    if (this.#pool === undefined) {
      return Promise.resolve().then(() =>
        toTxFileRecord(file.cid, file.bytes, file.batchSequence, file.position),
      );
    }
    // A message copies a view's whole buffer (a network chunk, a pooled Buffer): send the file alone.
    const { bytes } = file;
    const alone =
      bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
    return new Promise((resolve, reject) => {
      this.#pending.push({ file: { ...file, bytes: alone }, resolve, reject });
      if (this.#pending.length === 1) {
        setImmediate(() => {
          this.#send();
        });
      } else if (this.#pending.length >= MAX_FILES_PER_JOB) this.#send();
    });
  }

  async close(): Promise<void> {
    await this.#pool?.close();
  }

  #send(): void {
    const sending = this.#pending;
    if (sending.length === 0) return;
    this.#pending = [];
    this.#pool!.run({ files: sending.map((pending) => pending.file) }).then(
      ({ results }) => {
        results.forEach((result, i) => {
          if (result.ok) sending[i]!.resolve(result.row);
          else sending[i]!.reject(fromJobFailure(result.failure));
        });
      },
      (error: unknown) => {
        for (const pending of sending) pending.reject(error as Error);
      },
    );
  }
}
