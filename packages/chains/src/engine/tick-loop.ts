/**
 * TickLoop: the driver of an engine's tick (an anchor chain's, a sponsor account's sending pass),
 * shared by the anchorer and the sponsor. One tick every interval, never two at once. A failing
 * tick (RPC unreachable, database down, a store conflict, leadership lost) is handed to
 * `onFailure` and the next one waits longer, doubling up to a ceiling, so an outage is not
 * hammered; the first good tick resets the wait. What is logged and counted is the caller's.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { AnchorTransition } from '../anchor-chain.ts';
import type { EngineRecord } from '../anchor-request.ts';
import { isChainError } from '../chain-error.ts';

export interface TickFailure {
  readonly error: unknown;
  /** The error's code: a ChainError's, any other `code` string, else INTERNAL. */
  readonly code: string;
  readonly failuresInARow: number;
  /** The wait before the next tick. */
  readonly retryInMs: number;
}

export interface TickLoopOptions {
  /** One round of the work; a throw is a failed tick. */
  readonly tick: () => Promise<void>;
  readonly intervalMs: number;
  /** The ceiling of the wait after failures (never below `intervalMs`). */
  readonly maxBackoffMs: number;
  readonly onFailure: (failure: TickFailure) => void;
  /** The first good tick after `failuresInARow` failed ones. */
  readonly onRecovery: (failuresInARow: number) => void;
  /** After every tick, good or failed; must not throw. */
  readonly afterTick?: () => Promise<void>;
}

export class TickLoop {
  readonly #options: TickLoopOptions;
  readonly #stop = new AbortController();
  #running: Promise<void> | undefined;
  #failuresInARow = 0;

  constructor(options: TickLoopOptions) {
    this.#options = options;
  }

  start(): void {
    this.#running ??= this.#loop();
  }

  /** Stops the loop and waits for the tick in progress (a tick is never cut in half). */
  async close(): Promise<void> {
    this.#stop.abort();
    await this.#running;
  }

  async #loop(): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      await this.#tickOnce();
      try {
        await sleep(this.#delayMs(), undefined, { signal });
      } catch {
        return;
      }
    }
  }

  /** One tick; never throws (the loop must survive anything a tick can do). */
  async #tickOnce(): Promise<void> {
    const { tick, onFailure, onRecovery, afterTick } = this.#options;
    try {
      await tick();
      if (this.#failuresInARow > 0) onRecovery(this.#failuresInARow);
      this.#failuresInARow = 0;
    } catch (error) {
      this.#failuresInARow += 1;
      onFailure({
        error,
        code: errorCode(error),
        failuresInARow: this.#failuresInARow,
        retryInMs: this.#delayMs(),
      });
    }
    await afterTick?.();
  }

  #delayMs(): number {
    const { intervalMs, maxBackoffMs } = this.#options;
    if (this.#failuresInARow === 0) return intervalMs;
    return Math.min(Math.max(maxBackoffMs, intervalMs), intervalMs * 2 ** Math.min(this.#failuresInARow, 30));
  }
}

function errorCode(error: unknown): string {
  if (isChainError(error)) return error.code;
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return 'INTERNAL';
}

/**
 * A transition as log fields, the same for every engine's records: whether the state moved (a
 * same-state step — a fee bump, more confirmations — did not), and the fields to log.
 */
export function describeTransition(change: AnchorTransition<EngineRecord>): {
  readonly moved: boolean;
  readonly fields: Readonly<Record<string, unknown>>;
} {
  const { record } = change;
  return {
    moved: change.from !== change.to,
    fields: {
      sequence: change.sequence,
      from: change.from,
      to: change.to,
      txHash: record.inclusion?.txHash ?? record.attempts.at(-1)?.txHash ?? null,
      ...(record.lastError === null ? {} : { lastError: record.lastError.code }),
      ...(record.failure === null ? {} : { failure: record.failure }),
    },
  };
}
