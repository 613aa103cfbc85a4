/** What the updater reports as it goes; the service turns it into logs and metrics. */
import type { DeployLogEntry } from './deploy-log.ts';
import type { FollowCursor } from './updater-store.ts';

export interface UpdaterObserver {
  /** A deploy-log record was appended (every verdict, commit, sync, refusal). */
  recorded?(entry: DeployLogEntry): void;
  /** The cursor's block left the chain: the follower stepped back. */
  reorg?(info: { readonly cursor: FollowCursor; readonly fromBlock: number }): void;
  /** A page of blocks was read at confirmation depth. */
  followed?(info: {
    readonly fromBlock: number;
    readonly toBlock: number;
    readonly events: number;
    readonly headLag: number;
  }): void;
  /** Deploy-log records were taken by the relay as tx-files (their anchoring is the batcher's). */
  anchored?(info: { readonly sent: number }): void;
  /** A step failed in a way that may pass on the next run (it is tried again then). */
  stepFailed?(info: { readonly proposalId: string; readonly phase: string; readonly error: unknown }): void;
  /** A release was committed; `sinceApprovalMs` counts from when the approval was seen at depth. */
  committed?(info: {
    readonly proposalId: string;
    readonly commit: string;
    readonly sinceApprovalMs: number;
  }): void;
}

export function notify<K extends keyof UpdaterObserver>(
  observer: UpdaterObserver | undefined,
  event: K,
  info: Parameters<NonNullable<UpdaterObserver[K]>>[0],
): void {
  try {
    (observer?.[event] as ((i: typeof info) => void) | undefined)?.(info);
  } catch {
    // An observer's failure must not stop the updater.
  }
}
