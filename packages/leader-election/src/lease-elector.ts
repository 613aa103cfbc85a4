/**
 * Leader election on a lease, the algorithm of client-go's leaderelection:
 * - every `retryPeriodMs` a candidate reads the lease; it takes it when nobody holds it, or when
 *   the holder has not renewed it for `leaseDurationMs` **as measured on the candidate's own clock
 *   since it last saw the lease change** (so clock skew between hosts does not matter);
 * - the leader renews every `retryPeriodMs`; if it could not renew for `renewDeadlineMs`
 *   (< leaseDurationMs) it steps down at once, before anyone else may take the lease;
 * - writes are compare-and-swap, so one round has one winner;
 * - `close()` steps down and releases the lease (empty holder), so a successor takes it at its
 *   next retry instead of waiting out the lease.
 * The work that needs a single writer runs between `onStartedLeading` and `onStoppedLeading`
 * (whose AbortSignal fires first).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { LeaseConflict } from './lease.ts';
import type { LeaseRecord, LeaseStore } from './lease.ts';

export interface LeaderElectorOptions {
  readonly store: LeaseStore;
  /** This candidate's identity (the pod name). */
  readonly identity: string;
  /** Default 15 s. */
  readonly leaseDurationMs?: number;
  /** Default 10 s; must be below the lease duration. */
  readonly renewDeadlineMs?: number;
  /** Default 2 s; must be below the renew deadline. */
  readonly retryPeriodMs?: number;
  /** Called when this candidate becomes the leader; `term` aborts when it stops being one. */
  readonly onStartedLeading?: (term: AbortSignal) => void;
  readonly onStoppedLeading?: () => void;
  /** Problems reading or writing the lease (the election goes on). */
  readonly onError?: (error: unknown) => void;
  /** Clock, for tests. */
  readonly now?: () => number;
}

/** What a candidate elects on: the LeaderElector here, or `alwaysLeader` for a single replica. */
export interface LeaderElection {
  readonly isLeader: boolean;
  start(): void;
  /** Steps down (releasing the lease) and stops. */
  close(): Promise<void>;
}

export class LeaderElector implements LeaderElection {
  readonly identity: string;
  readonly #store: LeaseStore;
  readonly #leaseMs: number;
  readonly #renewDeadlineMs: number;
  readonly #retryMs: number;
  readonly #now: () => number;
  readonly #options: LeaderElectorOptions;
  readonly #stop = new AbortController();
  /** The last lease seen, and when (local clock) it was last seen to change. */
  #observed: { record: LeaseRecord; at: number } | undefined;
  #term: AbortController | undefined;
  #lastRenew = 0;
  #loop: Promise<void> | undefined;

  constructor(options: LeaderElectorOptions) {
    this.#options = options;
    this.#store = options.store;
    this.identity = options.identity;
    this.#leaseMs = options.leaseDurationMs ?? 15_000;
    this.#renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.#retryMs = options.retryPeriodMs ?? 2_000;
    this.#now = options.now ?? Date.now;
    if (this.identity === '') throw new Error('leader election: an identity is needed');
    if (!(this.#retryMs < this.#renewDeadlineMs && this.#renewDeadlineMs < this.#leaseMs)) {
      throw new Error('leader election: expected retryPeriod < renewDeadline < leaseDuration');
    }
  }

  get isLeader(): boolean {
    return this.#term !== undefined && !this.#term.signal.aborted;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  async close(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
    if (this.isLeader) {
      this.#stepDown();
      await this.#release();
    }
  }

  /** One round: acquire or renew. Exposed for tests that drive the clock. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const now = this.#now();
    let current: LeaseRecord | undefined;
    try {
      current = await this.#store.get();
    } catch (error) {
      this.#options.onError?.(error);
      return false;
    }
    if (current !== undefined) {
      const seen = this.#observed;
      if (seen === undefined || seen.record.version !== current.version)
        this.#observed = { record: current, at: now };
      const heldByOther = current.holderIdentity !== '' && current.holderIdentity !== this.identity;
      // Expiry by our own clock: the lease must not have changed for a full lease duration.
      if (heldByOther && this.#observed!.at + current.leaseDurationSeconds * 1000 > now) {
        // Someone else holds it: if we thought we led, we do not any more.
        this.#stepDown();
        return false;
      }
    }
    const mine = current?.holderIdentity === this.identity;
    const spec = {
      holderIdentity: this.identity,
      leaseDurationSeconds: Math.ceil(this.#leaseMs / 1000),
      acquireTime: mine ? current!.acquireTime : now,
      renewTime: now,
      leaseTransitions: current === undefined ? 0 : current.leaseTransitions + (mine ? 0 : 1),
    };
    try {
      const written =
        current === undefined
          ? await this.#store.create(spec)
          : await this.#store.replace(current.version, spec);
      this.#observed = { record: written, at: now };
      this.#lastRenew = now;
      return true;
    } catch (error) {
      if (!(error instanceof LeaseConflict)) this.#options.onError?.(error);
      return false;
    }
  }

  async #run(): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      const held = await this.tryAcquireOrRenew();
      if (held && !this.isLeader) {
        this.#term = new AbortController();
        this.#options.onStartedLeading?.(this.#term.signal);
      } else if (!held && this.isLeader && this.#now() - this.#lastRenew >= this.#renewDeadlineMs) {
        // Could not renew in time: stop acting before the lease can expire for the others.
        this.#stepDown();
      }
      try {
        await sleep(this.#retryMs, undefined, { signal });
      } catch {
        return;
      }
    }
  }

  #stepDown(): void {
    const term = this.#term;
    if (term === undefined || term.signal.aborted) return;
    term.abort();
    this.#options.onStoppedLeading?.();
  }

  /** Empties the holder if it is still us, so a successor need not wait out the lease. */
  async #release(): Promise<void> {
    try {
      const current = await this.#store.get();
      if (current === undefined || current.holderIdentity !== this.identity) return;
      await this.#store.replace(current.version, {
        holderIdentity: '',
        leaseDurationSeconds: 1,
        acquireTime: current.acquireTime,
        renewTime: this.#now(),
        leaseTransitions: current.leaseTransitions,
      });
    } catch (error) {
      this.#options.onError?.(error);
    }
  }
}

/** A single replica: always the leader (no lease). */
export function alwaysLeader(
  options: Pick<LeaderElectorOptions, 'onStartedLeading' | 'onStoppedLeading'> = {},
): LeaderElection {
  let term: AbortController | undefined;
  return {
    get isLeader() {
      return term !== undefined && !term.signal.aborted;
    },
    start() {
      if (term !== undefined) return;
      term = new AbortController();
      options.onStartedLeading?.(term.signal);
    },
    close() {
      if (term !== undefined && !term.signal.aborted) {
        term.abort();
        options.onStoppedLeading?.();
      }
      return Promise.resolve();
    },
  };
}
