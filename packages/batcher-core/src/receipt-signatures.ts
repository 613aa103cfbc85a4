/**
 * The Ed25519 checks of the receipts a seal reads — a quarter of a seal's CPU — on a small pool of
 * worker threads (the protocol's WorkerPool, as the relay's checks and the parser's parsing use:
 * ADR 0032, ADR 0036), so that they use another core while the seal's event loop decodes records,
 * hashes tx-files and writes blocks. A seal hands in a page of receipts at once; it travels to
 * the threads in jobs of at most MAX_RECEIPTS_PER_JOB, spread over them. With `threads: 0` the
 * checks run on the calling thread. Each check names its key by its 32 raw bytes; a thread (and
 * the inline path) turns each key into a KeyObject once.
 */
import { createPublicKey, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { WorkerPool } from '@anchorpost/protocol';

/** One signature to check: `signature` over `message` by the raw Ed25519 key `publicKey`. */
export interface ReceiptSignature {
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
  readonly publicKey: Uint8Array;
}

/** What the pool sends a thread. */
export interface SignatureJob {
  id: number;
  checks: ReceiptSignature[];
}

/** What a thread answers: one verdict per check, in order. */
export interface SignatureAnswer {
  id: number;
  valid: boolean[];
}

/** Checks per message at most: enough to share its cost, few enough to spread over the threads. */
export const MAX_RECEIPTS_PER_JOB = 32;

/** Raw Ed25519 public keys → KeyObjects, made once per key. */
export class Ed25519KeyCache {
  readonly #keys = new Map<string, KeyObject>();

  get(raw: Uint8Array): KeyObject {
    const x = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64url');
    let key = this.#keys.get(x);
    if (key === undefined) {
      key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
      this.#keys.set(x, key);
    }
    return key;
  }
}

/** Whether each signature verifies (false, never a throw, for a malformed one). */
export function verifySignatures(checks: readonly ReceiptSignature[], keys: Ed25519KeyCache): boolean[] {
  return checks.map((check) => {
    try {
      return verify(null, check.message, keys.get(check.publicKey), check.signature);
    } catch {
      return false;
    }
  });
}

export class ReceiptSignatureChecks {
  readonly #threads: number;
  readonly #keys = new Ed25519KeyCache();
  #pool: WorkerPool<SignatureJob, SignatureAnswer> | undefined;

  /** `threads`: worker threads; 0 checks on the calling thread. */
  constructor(threads: number) {
    this.#threads = threads;
  }

  /** Threads started and alive (they start with the first checks). */
  get runningThreads(): number {
    return this.#pool?.runningThreads ?? 0;
  }

  /** One verdict per signature, in order. */
  async verify(checks: readonly ReceiptSignature[]): Promise<boolean[]> {
    if (this.#threads === 0 || checks.length === 0) return verifySignatures(checks, this.#keys);
    const pool = (this.#pool ??= new WorkerPool({
      script: workerScript(),
      threads: this.#threads,
      owner: 'the batcher',
    }));
    const jobs: Promise<SignatureAnswer>[] = [];
    // Even shares, so that every thread gets one when there are enough checks.
    const size = Math.min(MAX_RECEIPTS_PER_JOB, Math.ceil(checks.length / this.#threads));
    for (let from = 0; from < checks.length; from += size)
      jobs.push(pool.run({ checks: checks.slice(from, from + size) }));
    return (await Promise.all(jobs)).flatMap((answer) => answer.valid);
  }

  /** Stops the threads (checks still running fail); the next check starts them again. */
  async close(): Promise<void> {
    const pool = this.#pool;
    this.#pool = undefined;
    await pool?.close();
  }
}

function workerScript(): URL {
  // The compiled package runs the .js beside this file; tests and benches run the .ts sources.
  const file = import.meta.url.endsWith('.ts')
    ? './receipt-signature-worker.ts'
    : './receipt-signature-worker.js';
  return new URL(file, import.meta.url);
}
