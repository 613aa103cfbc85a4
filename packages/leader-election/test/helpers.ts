// Shared by the election tests: candidates that record their terms, and bounded waits.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { LeaseElector } from '../src/index.ts';
import type { LeaseApi, LeaseElectorOptions } from '../src/index.ts';

export const TIMING = { leaseDurationMs: 1_000, renewDeadlineMs: 600, retryPeriodMs: 100 } as const;

export interface Candidate {
  readonly elector: LeaseElector;
  /** Its terms, by performance.now(). */
  readonly terms: { started: number; stopped?: number }[];
  readonly errors: unknown[];
}

export function candidate(
  identity: string,
  api: LeaseApi,
  options: Partial<LeaseElectorOptions> = {},
  running?: LeaseElector[],
): Candidate {
  const terms: Candidate['terms'] = [];
  const errors: unknown[] = [];
  const elector = new LeaseElector({
    api,
    identity,
    ...TIMING,
    ...options,
    onStartedLeading: () => terms.push({ started: performance.now() }),
    onStoppedLeading: () => {
      terms.at(-1)!.stopped = performance.now();
    },
    onError: (error) => errors.push(error),
  });
  running?.push(elector);
  return { elector, terms, errors };
}

/** Waits (bounded) for a condition; returns when (performance.now()) it held. */
export async function until(what: string, condition: () => boolean, ms = 5_000): Promise<number> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > ms) assert.fail(`not within ${ms} ms: ${what}`);
    await sleep(2);
  }
  return performance.now();
}

/** Never two leaders at once: no two terms of different candidates overlap. */
export function assertOneLeaderAtATime(...candidates: Candidate[]): void {
  const terms = candidates
    .flatMap((c) => c.terms.map((t) => ({ ...t, stopped: t.stopped ?? Infinity })))
    .sort((a, b) => a.started - b.started);
  for (let i = 1; i < terms.length; i++)
    assert.ok(terms[i]!.started >= terms[i - 1]!.stopped, 'two leaders at once');
}

export function leaders(...candidates: Candidate[]): number {
  return candidates.filter((c) => c.elector.isLeader).length;
}
