/**
 * The port a service elects through: it does its single-writer work between `onStartedLeading`
 * and `onStoppedLeading` (the term's AbortSignal fires first). Implementations: LeaseElector (a
 * Kubernetes Lease or a lease directory) and `alwaysLeader` (a single replica).
 */

export interface TermCallbacks {
  /** This candidate leads now; `term` aborts the moment it stops leading. */
  readonly onStartedLeading?: (term: AbortSignal) => void;
  /**
   * It stopped leading. The promise it may return is the service stopping its work: `close()`
   * waits for it before releasing the lease, so a successor never overlaps with it.
   */
  readonly onStoppedLeading?: () => void | Promise<void>;
  /** Problems reading or writing the lease (the election goes on). */
  readonly onError?: (error: unknown) => void;
}

export interface LeaderElector {
  readonly identity: string;
  /** True only while the term lasts and, under a lease, within the renew deadline of the last renewal. */
  readonly isLeader: boolean;
  start(): void;
  /** Stops campaigning; a leader steps down, waits for its work to stop, then releases the lease. */
  close(): Promise<void>;
}

/** Makes a service's elector once the service knows its term callbacks. */
export type ElectionFactory = (callbacks: TermCallbacks) => LeaderElector;

/** A single replica (ANCHORPOST_LEADER_ELECTION=off): it leads from start() to close(). */
export function alwaysLeader(callbacks: TermCallbacks = {}, identity = 'single-replica'): LeaderElector {
  let term: AbortController | undefined;
  return {
    identity,
    get isLeader() {
      return term !== undefined && !term.signal.aborted;
    },
    start() {
      if (term !== undefined) return;
      term = new AbortController();
      callbacks.onStartedLeading?.(term.signal);
    },
    async close() {
      if (term === undefined || term.signal.aborted) return;
      term.abort();
      await callbacks.onStoppedLeading?.();
    },
  };
}
