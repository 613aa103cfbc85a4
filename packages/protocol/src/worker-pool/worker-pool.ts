/**
 * A small pool of worker threads for CPU work that would otherwise hold an event loop — the
 * relay's per-file checks, the parser's tx-file parsing (ADR 0032, ADR 0036). Threads start on
 * demand up to `threads`; a job goes to an idle thread, else to the least busy one. An idle pool
 * does not keep the process alive. A thread that dies fails the jobs it held and is replaced on
 * the next job. The job itself is the caller's: a script that calls `serveJobs` (worker-side.ts).
 */
import { Worker } from 'node:worker_threads';

/** What every job and answer carries: the pool numbers jobs to match answers to them. */
export interface PoolMessage {
  id: number;
}

/** A job as its sender writes it: without the id the pool gives it (kept apart per union member). */
export type WithoutId<J> = J extends unknown ? Omit<J, 'id'> : never;

export interface WorkerPoolOptions {
  /** The worker script (a module calling serveJobs). */
  readonly script: URL;
  /** Threads at most (≥ 1). */
  readonly threads: number;
  /** Who owns the pool, for error messages ("the relay", "the parser"). */
  readonly owner: string;
}

interface Waiting<A> {
  resolve(answer: A): void;
  reject(error: Error): void;
}

/** One worker thread and the jobs it holds. */
class PoolThread<J extends PoolMessage, A extends PoolMessage> {
  readonly #worker: Worker;
  readonly #waiting = new Map<number, Waiting<A>>();
  readonly #onDeath: (thread: PoolThread<J, A>) => void;
  #dead = false;

  constructor(script: URL, onDeath: (thread: PoolThread<J, A>) => void) {
    this.#worker = new Worker(script);
    // An idle pool must not keep the process alive; a busy one is ref'd (see run).
    this.#worker.unref();
    this.#worker.on('message', (answer: A) => {
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
      this.#die(new Error(`a worker thread exited (${code})`));
    });
  }

  /** Fails the jobs this thread holds and takes it out of the pool, once. */
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

  run(job: J): Promise<A> {
    return new Promise<A>((resolve, reject) => {
      if (this.#waiting.size === 0) this.#worker.ref();
      this.#waiting.set(job.id, { resolve, reject });
      this.#worker.postMessage(job);
    });
  }

  async terminate(reason: Error): Promise<void> {
    this.#die(reason);
    await this.#worker.terminate();
  }
}

export class WorkerPool<J extends PoolMessage, A extends PoolMessage> {
  readonly #options: WorkerPoolOptions;
  readonly #threads: PoolThread<J, A>[] = [];
  #nextId = 0;
  #closed = false;

  constructor(options: WorkerPoolOptions) {
    if (!Number.isSafeInteger(options.threads) || options.threads < 1) {
      throw new RangeError(`threads must be an integer >= 1, got ${options.threads}`);
    }
    this.#options = options;
  }

  /** Threads started and alive (they start on the first jobs that find none idle). */
  get runningThreads(): number {
    return this.#threads.length;
  }

  /** Runs `job` on a thread (the pool sets its id); rejects if the thread dies or the pool is closed. */
  run(job: WithoutId<J>): Promise<A> {
    if (this.#closed) return Promise.reject(new Error(`${this.#options.owner} is closed`));
    // The job as the caller wrote it, numbered: J again.
    return this.#thread().run({ ...job, id: (this.#nextId += 1) } as unknown as J);
  }

  /** Stops the threads; jobs still running fail. */
  async close(): Promise<void> {
    this.#closed = true;
    const reason = new Error(`${this.#options.owner} is closed`);
    await Promise.all(this.#threads.splice(0).map((thread) => thread.terminate(reason)));
  }

  /** The least busy thread, starting one while fewer than `threads` run. */
  #thread(): PoolThread<J, A> {
    const idle = this.#threads.find((thread) => thread.load === 0);
    if (idle !== undefined) return idle;
    if (this.#threads.length < this.#options.threads) {
      const thread = new PoolThread<J, A>(this.#options.script, (dead) => {
        const at = this.#threads.indexOf(dead);
        if (at >= 0) this.#threads.splice(at, 1);
      });
      this.#threads.push(thread);
      return thread;
    }
    return this.#threads.reduce((least, thread) => (thread.load < least.load ? thread : least));
  }
}
