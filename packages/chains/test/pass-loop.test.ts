// The engine's pass loop reports every pass the same way for every caller: transitions logged
// (info when the state moved, debug for a same-state step) and counted by the state entered, a
// failed pass counted by its code and logged with its back-off, the recovery logged; every line
// and count carries the loop's subject, and a transition's line the caller's extra fields.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AnchorState, ChainError, ChainErrorCode, newEngineRecord, PassLoop } from '../src/index.ts';
import type { AnchorTransition, EngineRecord, PassCounter, PassLogger } from '../src/index.ts';

interface Line {
  readonly level: 'info' | 'warn' | 'debug';
  readonly fields: Record<string, unknown>;
  readonly message: string;
}

/** Records what is logged, in order. */
class RecordingLogger implements PassLogger {
  readonly lines: Line[] = [];
  info(fields: object, message: string): void {
    this.lines.push({ level: 'info', fields: { ...fields }, message });
  }
  warn(fields: object, message: string): void {
    this.lines.push({ level: 'warn', fields: { ...fields }, message });
  }
  debug(fields: object, message: string): void {
    this.lines.push({ level: 'debug', fields: { ...fields }, message });
  }
}

/** Records each increment with its labels. */
class RecordingCounter implements PassCounter {
  readonly counts: { labels: Record<string, string>; value: number }[] = [];
  inc(labels: Readonly<Record<string, string>>, value = 1): void {
    this.counts.push({ labels: { ...labels }, value });
  }
}

/** Each line's level and message, with the named fields only. */
function pick(lines: readonly Line[], keys: readonly string[]): Record<string, unknown>[] {
  return lines.map(({ level, fields, message }) => ({
    level,
    message,
    ...Object.fromEntries(keys.map((key) => [key, fields[key]])),
  }));
}

const MESSAGES = { transition: 'moved', failed: 'pass failed', recovered: 'passes succeed again' };

function record(state: AnchorState): EngineRecord & { digest: string } {
  const base = newEngineRecord('evm:1', { sequence: 3 }, new Date('2026-01-01T00:00:00.000Z'));
  return { ...base, state, digest: '0xd1' };
}

describe('PassLoop', () => {
  it('logs and counts each transition with the subject and the extra fields; a same-state step is debug and not counted', async () => {
    const logger = new RecordingLogger();
    const transitions = new RecordingCounter();
    const failures = new RecordingCounter();
    const passes: AnchorTransition<EngineRecord & { digest: string }>[][] = [
      [
        {
          sequence: 3,
          from: AnchorState.Pending,
          to: AnchorState.Submitted,
          record: record(AnchorState.Submitted),
        },
        { sequence: 3, from: AnchorState.Mined, to: AnchorState.Mined, record: record(AnchorState.Mined) },
      ],
    ];
    let afterPasses = 0;
    const done = Promise.withResolvers<undefined>();
    const loop = new PassLoop({
      pass: () => Promise.resolve(passes.shift() ?? []),
      subject: { label: 'account', value: 'evm:1:0xa' },
      intervalMs: 1,
      maxBackoffMs: 1,
      logger,
      transitions,
      failures,
      messages: MESSAGES,
      transitionFields: (each) => ({ digest: each.digest }),
      afterPass: () => {
        afterPasses += 1;
        if (afterPasses === 2) done.resolve(undefined);
        return Promise.resolve();
      },
    });
    loop.start();
    await done.promise;
    await loop.close();
    assert.deepEqual(transitions.counts, [{ labels: { account: 'evm:1:0xa', to: 'SUBMITTED' }, value: 1 }]);
    assert.deepEqual(failures.counts, []);
    assert.deepEqual(pick(logger.lines, ['account', 'digest', 'from', 'to']), [
      {
        level: 'info',
        account: 'evm:1:0xa',
        digest: '0xd1',
        from: 'PENDING',
        to: 'SUBMITTED',
        message: 'moved',
      },
      {
        level: 'debug',
        account: 'evm:1:0xa',
        digest: '0xd1',
        from: 'MINED',
        to: 'MINED',
        message: 'moved',
      },
    ]);
  });

  it('counts and logs a failed pass by its code with the back-off, and logs the recovery', async () => {
    const logger = new RecordingLogger();
    const transitions = new RecordingCounter();
    const failures = new RecordingCounter();
    const outcomes: (Error | undefined)[] = [
      new ChainError(ChainErrorCode.Unavailable, 'rpc down'),
      new ChainError(ChainErrorCode.Unavailable, 'rpc down'),
      undefined,
    ];
    const done = Promise.withResolvers<undefined>();
    const loop = new PassLoop({
      pass: () => {
        const outcome = outcomes.shift();
        if (outcomes.length === 0) done.resolve(undefined);
        return outcome === undefined ? Promise.resolve([]) : Promise.reject(outcome);
      },
      subject: { label: 'chain', value: 'evm:1' },
      intervalMs: 1,
      maxBackoffMs: 4,
      logger,
      transitions,
      failures,
      messages: MESSAGES,
    });
    loop.start();
    await done.promise;
    await loop.close();
    assert.deepEqual(failures.counts, [
      { labels: { chain: 'evm:1', code: 'UNAVAILABLE' }, value: 1 },
      { labels: { chain: 'evm:1', code: 'UNAVAILABLE' }, value: 1 },
    ]);
    assert.deepEqual(pick(logger.lines, ['chain', 'code', 'failuresInARow', 'retryInMs']), [
      {
        level: 'warn',
        chain: 'evm:1',
        code: 'UNAVAILABLE',
        failuresInARow: 1,
        retryInMs: 2,
        message: 'pass failed',
      },
      {
        level: 'warn',
        chain: 'evm:1',
        code: 'UNAVAILABLE',
        failuresInARow: 2,
        retryInMs: 4,
        message: 'pass failed',
      },
      {
        level: 'info',
        chain: 'evm:1',
        code: undefined,
        failuresInARow: undefined,
        retryInMs: undefined,
        message: 'passes succeed again',
      },
    ]);
    assert.ok(logger.lines[0]!.fields['err'] instanceof ChainError);
    assert.deepEqual(transitions.counts, []);
  });
});
