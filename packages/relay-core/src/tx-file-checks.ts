/**
 * The per-file checks of a submit — YAML parse and canonical form, no v0.1 file, CID, the
 * client's signature — on a small pool of worker threads, so that they use another core instead of
 * the relay's event loop, where they were the largest share of its CPU once submits were grouped.
 * With `threads: 0` they run inline, as before. Bounded: at most `maxWaiting` checks wait or run
 * at once; past that a submit is refused at once with INGEST_QUEUE_FULL (retryable), like a full
 * group queue. A protocol refusal in a thread comes back as the same ProtocolError (code, field,
 * message); a thread that dies fails the checks it held and is replaced on the next one.
 */
import { Worker } from 'node:worker_threads';
import {
  cidForBytes,
  parseCanonicalTxFile,
  ProtocolError,
  refuseLegacyTxFile,
  verifyClientSignature,
} from '@anchorpost/protocol';
import type { ErrorCode, PublicIdentity, TxFile } from '@anchorpost/protocol';
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
export interface CheckFailure {
  protocol?: { code: ErrorCode; field: string };
  message: string;
}

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

interface Waiting {
  resolve(answer: CheckAnswer): void;
  reject(error: Error): void;
}

/** One worker thread and the checks it holds. */
class CheckThread {
  readonly #worker: Worker;
  readonly #waiting = new Map<number, Waiting>();
  readonly #onDeath: (thread: CheckThread) => void;
  #dead = false;

  constructor(onDeath: (thread: CheckThread) => void) {
    // The compiled package runs the .js beside this file; tests and benches run the .ts sources.
    const file = import.meta.url.endsWith('.ts') ? './tx-file-check-worker.ts' : './tx-file-check-worker.js';
    this.#worker = new Worker(new URL(file, import.meta.url));
    // An idle pool must not keep the process alive; a busy one is ref'd (see run).
    this.#worker.unref();
    this.#worker.on('message', (answer: CheckAnswer) => {
      const waiting = this.#waiting.get(answer.id);
      this.#waiting.delete(answer.id);
      if (this.#waiting.size === 0) this.#worker.unref();
      waiting?.resolve(answer);
    });
    this.#onDeath = onDeath;
    this.#worker.on('error', (error: Error) => {
      this.#die(error);
    });
    this.#worker.on('exit', (code) => {
      this.#die(new Error(`a tx-file check thread exited (${code})`));
    });
  }

  /** Fails the checks this thread holds and takes it out of the pool, once. */
  #die(error: Error): void {
    if (this.#dead) return;
    this.#dead = true;
    this.#onDeath(this);
    for (const waiting of this.#waiting.values()) waiting.reject(error);
    this.#waiting.clear();
  }

  get load(): number {
    return this.#waiting.size;
  }

  run(job: CheckJob): Promise<CheckAnswer> {
    return new Promise<CheckAnswer>((resolve, reject) => {
      if (this.#waiting.size === 0) this.#worker.ref();
      this.#waiting.set(job.id, { resolve, reject });
      this.#worker.postMessage(job);
    });
  }

  async terminate(): Promise<void> {
    this.#die(new Error('the relay is closed'));
    await this.#worker.terminate();
  }
}

export class TxFileChecks {
  readonly #options: TxFileChecksOptions;
  readonly #threads: CheckThread[] = [];
  #inFlight = 0;
  #nextId = 0;
  #closed = false;

  constructor(options: TxFileChecksOptions) {
    this.#options = options;
  }

  /** Threads started and alive (they start on the first checks that find none idle). */
  get runningThreads(): number {
    return this.#threads.length;
  }

  /** The tx-file these bytes are, in canonical form and not v0.1, and its CID. */
  async parse(bytes: Uint8Array, maxBytes: number): Promise<ParsedTxFile> {
    if (this.#options.threads === 0) {
      const tx = parseCanonicalTxFile(bytes, { maxBytes });
      refuseLegacyTxFile(tx);
      return { tx, cid: await cidForBytes(bytes) };
    }
    const answer = await this.#run({ id: 0, kind: 'parse', bytes, maxBytes });
    return answer.parsed!;
  }

  /** BAD_KEY or BAD_SIGNATURE unless `clientKey` signed `tx` (see verifyClientSignature). */
  async verify(tx: TxFile, clientKey: PublicIdentity): Promise<void> {
    if (this.#options.threads === 0) {
      verifyClientSignature(tx, clientKey);
      return;
    }
    await this.#run({ id: 0, kind: 'verify', tx, clientKey });
  }

  /** Stops the threads; checks still running fail. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#threads.splice(0).map((thread) => thread.terminate()));
  }

  async #run(job: CheckJob): Promise<Extract<CheckAnswer, { ok: true }>> {
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
      const answer = await this.#thread().run({ ...job, id: (this.#nextId += 1) });
      if (answer.ok) return answer;
      const { protocol, message } = answer.failure;
      throw protocol === undefined
        ? new Error(message)
        : new ProtocolError(protocol.code, protocol.field, message);
    } finally {
      this.#inFlight -= 1;
    }
  }

  /** The least busy thread, starting one while fewer than `threads` run. */
  #thread(): CheckThread {
    const idle = this.#threads.find((thread) => thread.load === 0);
    if (idle !== undefined) return idle;
    if (this.#threads.length < this.#options.threads) {
      const thread = new CheckThread((dead) => {
        const at = this.#threads.indexOf(dead);
        if (at >= 0) this.#threads.splice(at, 1);
      });
      this.#threads.push(thread);
      return thread;
    }
    return this.#threads.reduce((least, thread) => (thread.load < least.load ? thread : least));
  }
}
