import { setTimeout as sleep } from 'node:timers/promises';
import type { BatchHandler, BusRecord, DeliveryFailure } from '@anchorpost/bus-port';
import type { DeliveryPolicy } from './subscribe-options.ts';

/**
 * The consumer loop's at-least-once core, shared by the adapters: call the handler, commit only
 * after it resolves, and never drop a record silently. A failing batch is split so one poison
 * record cannot hold up its neighbours; a record that keeps failing is retried with exponential
 * backoff and finally dead-lettered (or retried for ever when dead-lettering is off).
 */
export interface DeliveryTarget {
  readonly handler: BatchHandler;
  readonly policy: DeliveryPolicy;
  /** Aborted when the member leaves or the bus closes: stop without committing what is unhandled. */
  readonly signal: AbortSignal;
  /** Durably commits `nextOffset` as the group's position in the records' partition. */
  commit(nextOffset: number): Promise<void>;
  /** Publishes the record to its dead-letter topic. */
  deadLetter(record: BusRecord, error: unknown, attempts: number): Promise<void>;
  readonly onFailure: ((failure: DeliveryFailure) => void) | undefined;
}

/**
 * Delivers records (one partition, offset order). Resolves true when every record was handled or
 * dead-lettered and committed; false when the signal stopped it first (the rest is redelivered).
 */
export async function deliverBatch(records: readonly BusRecord[], target: DeliveryTarget): Promise<boolean> {
  const last = records.at(-1);
  if (last === undefined) return true;
  if (target.signal.aborted) return false;
  try {
    await target.handler(records);
  } catch (error) {
    if (records.length === 1) return deliverAlone(last, 1, error, target);
    report(target, { stage: 'handler', error, records, attempt: 1, next: 'split' });
    for (const record of records) {
      if (!(await deliverAlone(record, 0, undefined, target))) return false;
    }
    return true;
  }
  return persist(() => target.commit(last.offset + 1), 'commit', records, target);
}

async function deliverAlone(
  record: BusRecord,
  failedAttempts: number,
  lastError: unknown,
  target: DeliveryTarget,
): Promise<boolean> {
  const { policy, signal } = target;
  let attempts = failedAttempts;
  let error = lastError;
  for (;;) {
    if (attempts > 0) {
      const deadLetter = policy.deadLetter && (attempts >= policy.maxAttempts || notRetryable(error));
      report(target, {
        stage: 'handler',
        error,
        records: [record],
        attempt: attempts,
        next: deadLetter ? 'dead-letter' : 'retry',
      });
      if (deadLetter) {
        const failure = error;
        const count = attempts;
        const sent = await persist(
          () => target.deadLetter(record, failure, count),
          'dead-letter',
          [record],
          target,
        );
        if (!sent) return false;
        break;
      }
      if (!(await pause(backoffMs(policy, attempts), signal))) return false;
    }
    if (signal.aborted) return false;
    try {
      await target.handler([record]);
      break;
    } catch (caught) {
      attempts += 1;
      error = caught;
    }
  }
  return persist(() => target.commit(record.offset + 1), 'commit', [record], target);
}

/** Retries a commit or dead-letter publish until it succeeds or the signal stops the loop. */
async function persist(
  action: () => Promise<void>,
  stage: 'commit' | 'dead-letter',
  records: readonly BusRecord[],
  target: DeliveryTarget,
): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      await action();
      return true;
    } catch (error) {
      report(target, { stage, error, records, attempt, next: 'retry' });
      if (!(await pause(backoffMs(target.policy, attempt), target.signal))) return false;
    }
  }
}

/** Exponential backoff with jitter (half to full), so retrying members do not move in lockstep. */
export function backoffMs(policy: DeliveryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(ceiling * (0.5 + Math.random() * 0.5));
}

/** An error that says retrying cannot help (BusError, ProtocolError, StorageError...) is dead-lettered at once. */
function notRetryable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'retryable' in error && error.retryable === false;
}

/** Sleeps; false if the signal aborted first. */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

function report(target: DeliveryTarget, failure: DeliveryFailure): void {
  try {
    target.onFailure?.(failure);
  } catch {
    // A faulty observer must not break delivery.
  }
}
