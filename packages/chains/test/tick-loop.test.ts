// The engine's tick driver: one tick at a time, a failure backs off (doubling, capped) and is
// handed over with its code, the first good tick resets the wait, and close waits for the tick
// in progress. describeTransition gives the same log fields for every engine's records.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AnchorState,
  ChainError,
  ChainErrorCode,
  describeTransition,
  newEngineRecord,
  TickLoop,
} from '../src/index.ts';
import type { TickFailure } from '../src/index.ts';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

describe('TickLoop', () => {
  it('backs off after failures, doubling up to the ceiling, and resets on the first good tick', async () => {
    const failures: TickFailure[] = [];
    const recoveries: number[] = [];
    const outcomes = [
      new ChainError(ChainErrorCode.StoreConflict, 'someone else wrote first'),
      Object.assign(new Error('database down'), { code: 'UNAVAILABLE' }),
      new Error('no code'),
      undefined,
      undefined,
    ];
    let afterTicks = 0;
    const done = deferred();
    const loop = new TickLoop({
      intervalMs: 1,
      maxBackoffMs: 3,
      tick: () => {
        const outcome = outcomes.shift();
        if (outcomes.length === 0) done.resolve();
        return outcome === undefined ? Promise.resolve() : Promise.reject(outcome);
      },
      onFailure: (failure) => failures.push(failure),
      onRecovery: (failuresInARow) => recoveries.push(failuresInARow),
      afterTick: () => {
        afterTicks += 1;
        return Promise.resolve();
      },
    });
    loop.start();
    loop.start(); // a second start does not run a second loop
    await done.promise;
    await loop.close();
    assert.deepEqual(
      failures.map(({ code, failuresInARow, retryInMs }) => ({ code, failuresInARow, retryInMs })),
      [
        { code: 'STORE_CONFLICT', failuresInARow: 1, retryInMs: 2 },
        { code: 'UNAVAILABLE', failuresInARow: 2, retryInMs: 3 },
        { code: 'INTERNAL', failuresInARow: 3, retryInMs: 3 },
      ],
    );
    assert.deepEqual(recoveries, [3]);
    assert.equal(afterTicks, 5);
  });

  it('close waits for the tick in progress, and no tick starts after it', async () => {
    const entered = deferred();
    const release = deferred();
    let ticks = 0;
    let finished = false;
    const loop = new TickLoop({
      intervalMs: 1,
      maxBackoffMs: 1,
      tick: async () => {
        ticks += 1;
        entered.resolve();
        await release.promise;
        finished = true;
      },
      onFailure: () => assert.fail('no failure expected'),
      onRecovery: () => assert.fail('no recovery expected'),
    });
    loop.start();
    await entered.promise;
    const closing = loop.close();
    release.resolve();
    await closing;
    assert.equal(finished, true);
    assert.equal(ticks, 1);
  });
});

describe('describeTransition', () => {
  it('says whether the state moved, with the latest transaction and the last error', () => {
    const base = newEngineRecord('evm:1', { sequence: 7 }, new Date('2026-01-01T00:00:00.000Z'));
    const record = {
      ...base,
      state: AnchorState.Submitted,
      attempts: [
        { txHash: '0x01', rawTransaction: '0x', fees: {}, submittedAt: '2026-01-01T00:00:00.000Z' },
        { txHash: '0x02', rawTransaction: '0x', fees: {}, submittedAt: '2026-01-01T00:00:01.000Z' },
      ],
      lastError: { code: 'UNAVAILABLE', message: 'rpc down', at: '2026-01-01T00:00:01.000Z' },
    };
    const bump = describeTransition({
      sequence: 7,
      from: AnchorState.Submitted,
      to: AnchorState.Submitted,
      record,
    });
    assert.equal(bump.moved, false);
    assert.deepEqual(bump.fields, {
      sequence: 7,
      from: AnchorState.Submitted,
      to: AnchorState.Submitted,
      txHash: '0x02',
      lastError: 'UNAVAILABLE',
    });
    assert.equal(
      describeTransition({ sequence: 7, from: AnchorState.Pending, to: AnchorState.Submitted, record }).moved,
      true,
    );
  });
});
