/**
 * PassLoop: an engine's passes on a TickLoop, reported the same way for every caller (the
 * anchorer's chain ticks, the sponsor's sending passes). Each transition a pass made is logged —
 * at info when the state moved, at debug for a same-state step (a fee bump, more confirmations) —
 * and counted by the state entered; a failed pass is counted by its code and logged with its
 * back-off; the first good pass after failures is logged. Every line and every count carries the
 * loop's subject (`chain`, `account`).
 *
 * The caller keeps what is its own: the metric names and help (it registers the counters and
 * hands them over), the words of the log lines, the extra fields of a transition, and anything
 * else a pass or the time after it should report.
 */
import type { AnchorTransition } from '../anchor-chain.ts';
import type { EngineRecord } from '../anchor-request.ts';
import { describeTransition, TickLoop } from './tick-loop.ts';

/** The log calls a pass loop makes (a pino Logger has them). */
export interface PassLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  debug(fields: object, message: string): void;
}

/** A labelled counter (a prom-client Counter is one). */
export interface PassCounter {
  inc(labels: Readonly<Record<string, string>>, value?: number): void;
}

export interface PassLoopOptions<Rec extends EngineRecord> {
  /** One pass; answers the transitions it made. A throw is a failed pass. */
  readonly pass: () => Promise<readonly AnchorTransition<Rec>[]>;
  /** The label and value every log line and count carries: `{ chain: 'evm:1' }`, `{ account }`. */
  readonly subject: { readonly label: string; readonly value: string };
  readonly intervalMs: number;
  readonly maxBackoffMs: number;
  readonly logger: PassLogger;
  /** Labelled by the subject's label and `to` (the state entered); same-state steps are not counted. */
  readonly transitions: PassCounter;
  /** Labelled by the subject's label and `code` (the failure's error code). */
  readonly failures: PassCounter;
  readonly messages: {
    /** `anchor request transition` */
    readonly transition: string;
    /** `anchor tick failed; retrying` */
    readonly failed: string;
    /** `anchor ticks succeed again` */
    readonly recovered: string;
  };
  /** Fields a transition's log line carries besides the subject and describeTransition's. */
  readonly transitionFields?: (record: Rec) => Readonly<Record<string, unknown>>;
  /** After every pass, good or failed; must not throw. */
  readonly afterPass?: () => Promise<void>;
}

export class PassLoop<Rec extends EngineRecord> {
  readonly #options: PassLoopOptions<Rec>;
  readonly #loop: TickLoop;

  constructor(options: PassLoopOptions<Rec>) {
    this.#options = options;
    const { subject, logger, failures, messages } = options;
    const labelled = { [subject.label]: subject.value };
    this.#loop = new TickLoop({
      intervalMs: options.intervalMs,
      maxBackoffMs: options.maxBackoffMs,
      tick: async () => {
        for (const change of await options.pass()) this.#report(change);
      },
      onRecovery: () => {
        logger.info(labelled, messages.recovered);
      },
      onFailure: ({ error, code, failuresInARow, retryInMs }) => {
        failures.inc({ ...labelled, code });
        logger.warn({ ...labelled, code, err: error, failuresInARow, retryInMs }, messages.failed);
      },
      afterTick: options.afterPass,
    });
  }

  start(): void {
    this.#loop.start();
  }

  /** Stops the loop and waits for the pass in progress (a pass is never cut in half). */
  close(): Promise<void> {
    return this.#loop.close();
  }

  #report(change: AnchorTransition<Rec>): void {
    const { subject, logger, transitions, messages, transitionFields } = this.#options;
    const { moved, fields } = describeTransition(change);
    if (moved) transitions.inc({ [subject.label]: subject.value, to: change.to });
    logger[moved ? 'info' : 'debug'](
      { [subject.label]: subject.value, ...transitionFields?.(change.record), ...fields },
      messages.transition,
    );
  }
}
