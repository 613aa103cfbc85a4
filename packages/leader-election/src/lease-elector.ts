/**
 * Leader election on a lease — the algorithm of client-go's leaderelection package:
 * - A candidate reads the lease every retry period. It takes it when nobody holds it, or when the
 *   holder has not changed it for the lease duration **measured on the candidate's own monotonic
 *   clock since it saw the last change** — not from the renewTime written in the lease, so a skewed
 *   wall clock on any host can neither steal a live lease nor keep a dead one. A follower wakes
 *   when the lease it watches would expire, so it takes over within the lease duration plus one
 *   retry period of the holder's last renewal.
 * - Every write is compare-and-swap on the lease's version: one winner per round.
 * - The leader renews every retry period. A renewal counts from the moment its round started. If
 *   none succeeded within the renew deadline (shorter than the lease) it steps down — by a timer,
 *   so a hung API call cannot keep it leading — before anyone else may take the lease.
 * - close() steps down, waits for the service's work to stop, then releases the lease (empty
 *   holder), so a successor takes over at its next retry instead of waiting out the lease.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { LeaseConflict, LeaseNotFound } from './lease.ts';
import type { LeaseApi, LeaseRecord } from './lease.ts';
import type { LeaderElector, TermCallbacks } from './leader-elector.ts';

export interface LeaseTiming {
  /** How long the others wait before taking a lease that stopped changing. Default 15 s. */
  readonly leaseDurationMs?: number;
  /** A leader that could not renew for this long steps down. Default 10 s; below the lease duration. */
  readonly renewDeadlineMs?: number;
  /** How often candidates read and the leader renews. Default 2 s; below the renew deadline. */
  readonly retryPeriodMs?: number;
}

export interface LeaseElectorOptions extends LeaseTiming, TermCallbacks {
  readonly api: LeaseApi;
  /** This candidate's identity (the pod name); unique among the candidates. */
  readonly identity: string;
  /**
   * The wall clock written into acquireTime/renewTime (for people reading the lease). Expiry and
   * deadlines never use it: they use this process's monotonic clock. Tests skew it.
   */
  readonly wallClock?: () => number;
}

type Round =
  | { readonly kind: 'held'; readonly startedAt: number }
  | { readonly kind: 'held-by-other'; readonly expiresInMs: number }
  | { readonly kind: 'failed' };

const monotonic = (): number => performance.now();

export class LeaseElector implements LeaderElector {
  readonly identity: string;
  readonly #api: LeaseApi;
  readonly #leaseMs: number;
  readonly #renewDeadlineMs: number;
  readonly #retryMs: number;
  readonly #wallClock: () => number;
  readonly #callbacks: TermCallbacks;
  readonly #stop = new AbortController();
  /** The lease version last seen, and when (monotonic) it was first seen. */
  #observed: { version: string; at: number } | undefined;
  #term: AbortController | undefined;
  /** When (monotonic) the round of the last successful renewal started. */
  #renewedAt = -Infinity;
  #deadline: NodeJS.Timeout | undefined;
  /** The service stopping its work after the last step-down. */
  #stopping: Promise<void> = Promise.resolve();
  #loop: Promise<void> | undefined;

  constructor(options: LeaseElectorOptions) {
    this.#api = options.api;
    this.identity = options.identity;
    this.#leaseMs = options.leaseDurationMs ?? 15_000;
    this.#renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.#retryMs = options.retryPeriodMs ?? 2_000;
    this.#wallClock = options.wallClock ?? Date.now;
    this.#callbacks = options;
    if (this.identity === '') throw new Error('leader election: an identity is needed');
    if (!(this.#retryMs < this.#renewDeadlineMs && this.#renewDeadlineMs < this.#leaseMs)) {
      throw new Error('leader election: expected retry period < renew deadline < lease duration');
    }
  }

  get isLeader(): boolean {
    return (
      this.#term !== undefined &&
      !this.#term.signal.aborted &&
      monotonic() - this.#renewedAt < this.#renewDeadlineMs
    );
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  async close(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
    this.#stepDown();
    await this.#stopping;
    if (this.#loop !== undefined) await this.#bounded(this.#release());
  }

  async #run(): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      const round = await this.#bounded(this.#round());
      if (this.#stop.signal.aborted) return; // closing: no new term
      let waitMs = this.#retryMs;
      if (round.kind === 'held') this.#renewed(round.startedAt);
      else if (round.kind === 'held-by-other') {
        this.#stepDown();
        // Wake when the watched lease would expire, rather than up to a retry period later.
        waitMs = Math.min(this.#retryMs, Math.max(1, Math.ceil(round.expiresInMs)));
      }
      // A failed round changes nothing: a leader keeps leading until its renew deadline.
      try {
        await sleep(waitMs, undefined, { signal });
      } catch {
        return;
      }
    }
  }

  /** Acquire or renew: one read, and at most one compare-and-swap write. */
  async #round(): Promise<Round> {
    const startedAt = monotonic();
    let current: LeaseRecord | undefined;
    try {
      current = await this.#api.get();
    } catch (error) {
      this.#callbacks.onError?.(error);
      return { kind: 'failed' };
    }
    if (current !== undefined) {
      // Seen after the read returned: the holder's renewal started before this, never after.
      let observed = this.#observed;
      if (observed?.version !== current.version) {
        observed = { version: current.version, at: monotonic() };
        this.#observed = observed;
      }
      if (current.holderIdentity !== '' && current.holderIdentity !== this.identity) {
        const expiresInMs = observed.at + current.leaseDurationSeconds * 1000 - monotonic();
        if (expiresInMs > 0) return { kind: 'held-by-other', expiresInMs };
      }
    }
    const mine = current?.holderIdentity === this.identity;
    const wall = this.#wallClock();
    const spec = {
      holderIdentity: this.identity,
      leaseDurationSeconds: Math.ceil(this.#leaseMs / 1000),
      acquireTime: mine ? current!.acquireTime : wall,
      renewTime: wall,
      leaseTransitions: current === undefined ? 0 : current.leaseTransitions + (mine ? 0 : 1),
    };
    try {
      const written =
        current === undefined ? await this.#api.create(spec) : await this.#api.replace(current.version, spec);
      this.#observed = { version: written.version, at: monotonic() };
      return { kind: 'held', startedAt };
    } catch (error) {
      // Another candidate wrote first: not an error, the next round reads again.
      if (!(error instanceof LeaseConflict || error instanceof LeaseNotFound))
        this.#callbacks.onError?.(error);
      return { kind: 'failed' };
    }
  }

  #renewed(startedAt: number): void {
    const left = startedAt + this.#renewDeadlineMs - monotonic();
    if (left <= 0) return; // too slow to count: the deadline timer ends the term, if any
    this.#renewedAt = startedAt;
    clearTimeout(this.#deadline);
    this.#deadline = setTimeout(() => {
      this.#callbacks.onError?.(
        new Error(`leader election: not renewed within ${this.#renewDeadlineMs} ms; stepping down`),
      );
      this.#stepDown();
    }, left);
    if (this.#term === undefined || this.#term.signal.aborted) {
      this.#term = new AbortController();
      this.#callbacks.onStartedLeading?.(this.#term.signal);
    }
  }

  #stepDown(): void {
    clearTimeout(this.#deadline);
    const term = this.#term;
    if (term === undefined || term.signal.aborted) return;
    term.abort();
    const report = (error: unknown) => this.#callbacks.onError?.(error);
    try {
      this.#stopping = Promise.resolve(this.#callbacks.onStoppedLeading?.()).catch(report);
    } catch (error) {
      report(error);
    }
  }

  /** Empties the holder if it is still this candidate (client-go's ReleaseOnCancel). */
  async #release(): Promise<void> {
    try {
      const current = await this.#api.get();
      if (current === undefined || current.holderIdentity !== this.identity) return;
      const wall = this.#wallClock();
      await this.#api.replace(current.version, {
        holderIdentity: '',
        leaseDurationSeconds: 1,
        acquireTime: wall,
        renewTime: wall,
        leaseTransitions: current.leaseTransitions,
      });
    } catch (error) {
      this.#callbacks.onError?.(error);
    }
  }

  /** An API call that hangs must not hold up the election: it fails after the renew deadline. */
  async #bounded<T>(work: Promise<T>): Promise<T | { kind: 'failed' }> {
    const timer = new AbortController();
    try {
      return await Promise.race([
        work,
        sleep(this.#renewDeadlineMs, undefined, { signal: timer.signal }).then(() => {
          this.#callbacks.onError?.(
            new Error(`leader election: ${this.#api.description} did not answer within the renew deadline`),
          );
          return { kind: 'failed' } as const;
        }),
      ]);
    } finally {
      timer.abort();
    }
  }
}
