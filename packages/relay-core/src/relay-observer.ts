/**
 * Hooks for metrics and logs (the service hangs prom-client counters on them). Called
 * synchronously; an observer that throws is ignored rather than failing the request.
 */
import type { RelayReceipt } from '@anchorpost/events';

export interface RelayObserver {
  accepted?(event: {
    tenantId: string;
    requestId: string | undefined;
    receipt: RelayReceipt;
    duplicate: boolean;
    bytes: number;
    durationMs: number;
  }): void;
  rejected?(event: { tenantId: string; requestId: string | undefined; code: string; error: unknown }): void;
  /** A group commit finished (see GroupCommit): how many files it took, how long it ran, whether it failed. */
  grouped?(event: { files: number; bytes: number; durationMs: number; failed: boolean }): void;
  /** A bus record of the accepted topic that does not decode; delivery skips it. */
  badRecord?(event: { partition: number; offset: number; error: unknown }): void;
}

export function notify<K extends keyof RelayObserver>(
  observer: RelayObserver | undefined,
  key: K,
  event: Parameters<NonNullable<RelayObserver[K]>>[0],
): void {
  try {
    (observer?.[key] as ((event: unknown) => void) | undefined)?.call(observer, event);
  } catch {
    // Metrics must never fail a request.
  }
}
