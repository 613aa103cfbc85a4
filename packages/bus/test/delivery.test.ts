import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BusRecord, DeliveryFailure } from '../src/index.ts';
import { backoffMs, deliverBatch } from '../src/delivery.ts';
import type { DeliveryPolicy } from '../src/subscribe-options.ts';

const POLICY: DeliveryPolicy = { maxAttempts: 3, initialBackoffMs: 1, maxBackoffMs: 4, deadLetter: true };

function records(count: number): BusRecord[] {
  return Array.from({ length: count }, (_, offset) => ({
    topic: 'anchorpost.tx-file.accepted.v1',
    partition: 0,
    offset,
    key: 'k',
    value: new Uint8Array([offset]),
    headers: {},
    timestamp: 0,
  }));
}

describe('deliverBatch', { timeout: 60_000 }, () => {
  it('commits once after a handled batch', async () => {
    const commits: number[] = [];
    const done = await deliverBatch(records(5), {
      handler: () => Promise.resolve(),
      policy: POLICY,
      signal: new AbortController().signal,
      commit: (next) => {
        commits.push(next);
        return Promise.resolve();
      },
      deadLetter: () => Promise.reject(new Error('unexpected')),
      onFailure: undefined,
    });
    assert.equal(done, true);
    assert.deepEqual(commits, [5]);
  });

  it('splits a failing batch, commits each handled record and dead-letters the poison one in order', async () => {
    const events: string[] = [];
    const failures: DeliveryFailure[] = [];
    const done = await deliverBatch(records(4), {
      handler: (batch) => {
        if (batch.some((record) => record.offset === 2)) {
          events.push(`fail ${batch.map((record) => record.offset).join(',')}`);
          return Promise.reject(new Error('poison'));
        }
        events.push(`ok ${batch.map((record) => record.offset).join(',')}`);
        return Promise.resolve();
      },
      policy: POLICY,
      signal: new AbortController().signal,
      commit: (next) => {
        events.push(`commit ${next}`);
        return Promise.resolve();
      },
      deadLetter: (record, _error, attempts) => {
        events.push(`dead-letter ${record.offset} after ${attempts}`);
        return Promise.resolve();
      },
      onFailure: (failure) => failures.push(failure),
    });
    assert.equal(done, true);
    assert.deepEqual(events, [
      'fail 0,1,2,3',
      'ok 0',
      'commit 1',
      'ok 1',
      'commit 2',
      'fail 2',
      'fail 2',
      'fail 2',
      'dead-letter 2 after 3',
      'commit 3',
      'ok 3',
      'commit 4',
    ]);
    assert.deepEqual(
      failures.map((failure) => failure.next),
      ['split', 'retry', 'retry', 'dead-letter'],
    );
  });

  it('without dead letters, retries until stopped and commits nothing for the failing record', async () => {
    const controller = new AbortController();
    let attempts = 0;
    const commits: number[] = [];
    const done = await deliverBatch(records(1), {
      handler: () => {
        attempts += 1;
        if (attempts === 20) controller.abort();
        return Promise.reject(Object.assign(new Error('fatal'), { retryable: false }));
      },
      policy: { ...POLICY, deadLetter: false },
      signal: controller.signal,
      commit: (next) => {
        commits.push(next);
        return Promise.resolve();
      },
      deadLetter: () => Promise.reject(new Error('unexpected')),
      onFailure: undefined,
    });
    assert.equal(done, false);
    assert.equal(attempts, 20);
    assert.deepEqual(commits, []);
  });

  it('retries a failing dead-letter publish and commit rather than dropping the record', async () => {
    let deadLetterCalls = 0;
    let commitCalls = 0;
    const stages: string[] = [];
    const done = await deliverBatch(records(1), {
      handler: () => Promise.reject(new Error('poison')),
      policy: { ...POLICY, maxAttempts: 1 },
      signal: new AbortController().signal,
      commit: () => (++commitCalls < 3 ? Promise.reject(new Error('disk busy')) : Promise.resolve()),
      deadLetter: () =>
        ++deadLetterCalls < 3 ? Promise.reject(new Error('broker down')) : Promise.resolve(),
      onFailure: (failure) => stages.push(failure.stage),
    });
    assert.equal(done, true);
    assert.equal(deadLetterCalls, 3);
    assert.equal(commitCalls, 3);
    assert.deepEqual(stages, ['handler', 'dead-letter', 'dead-letter', 'commit', 'commit']);
  });

  it('backs off exponentially with jitter, up to the ceiling', () => {
    const policy = { ...POLICY, initialBackoffMs: 100, maxBackoffMs: 1000 };
    for (let i = 0; i < 50; i++) {
      const first = backoffMs(policy, 1);
      const third = backoffMs(policy, 3);
      const late = backoffMs(policy, 40);
      assert.ok(first >= 50 && first <= 100, `first ${first}`);
      assert.ok(third >= 200 && third <= 400, `third ${third}`);
      assert.ok(late >= 500 && late <= 1000, `late ${late}`);
    }
  });
});
