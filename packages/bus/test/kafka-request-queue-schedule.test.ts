/**
 * kafkajs's request queue, as our bus loads it, schedules its pending-request check without a
 * negative delay (Node 24 prints TimeoutNegativeWarning for -Date.now(), or for -1 when the clock
 * turns a millisecond between two readings).
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { it, mock } from 'node:test';
import { scheduleCheckPendingRequests } from '../src/kafka/request-queue-schedule.ts';

/** The fields kafkajs's constructor sets: throttledUntil = -1 means "never throttled". */
function requestQueue(fields: { throttledUntil?: number; pending?: unknown[] } = {}) {
  const queue = {
    throttledUntil: fields.throttledUntil ?? -1,
    throttleCheckTimeoutId: null as NodeJS.Timeout | null,
    pending: fields.pending ?? [],
    checks: 0,
    checkPendingRequests() {
      queue.checks += 1;
    },
  };
  return queue;
}

/** Runs `body` and returns the TimeoutNegativeWarnings the process emitted meanwhile. */
async function negativeTimeoutWarnings(body: () => Promise<void>): Promise<string[]> {
  const warnings: string[] = [];
  const onWarning = (warning: Error) => {
    if (warning.name === 'TimeoutNegativeWarning') warnings.push(warning.message);
  };
  process.on('warning', onWarning);
  try {
    await body();
    // Warnings are emitted on the next tick.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', onWarning);
  }
  return warnings;
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('schedules the check of a never-throttled queue without a TimeoutNegativeWarning', async () => {
  const queue = requestQueue({ pending: [{}] });
  const warnings = await negativeTimeoutWarnings(async () => {
    scheduleCheckPendingRequests.call(queue);
    assert.ok(queue.throttleCheckTimeoutId !== null);
    await settle(40);
  });
  assert.equal(queue.checks, 1, 'the pending requests were checked');
  assert.deepEqual(warnings, []);
});

it('asks for no negative delay when the clock turns a millisecond between readings', async (t) => {
  // Every reading of the clock is a millisecond after the last: the way a busy process sees it.
  let now = Date.now();
  t.mock.method(Date, 'now', () => (now += 1));
  const queue = requestQueue();
  const warnings = await negativeTimeoutWarnings(async () => {
    scheduleCheckPendingRequests.call(queue);
    mock.restoreAll();
    await settle(20);
  });
  assert.equal(queue.checks, 1);
  assert.deepEqual(warnings, []);
});

it('waits out a throttle the broker asked for, and schedules one check at a time', async () => {
  const queue = requestQueue({ throttledUntil: Date.now() + 60, pending: [{}] });
  scheduleCheckPendingRequests.call(queue);
  const first = queue.throttleCheckTimeoutId;
  scheduleCheckPendingRequests.call(queue);
  assert.equal(queue.throttleCheckTimeoutId, first);
  await settle(20);
  assert.equal(queue.checks, 0, 'not before the throttle has passed');
  await settle(100);
  assert.equal(queue.checks, 1);
});

it('is in place once the Kafka bus is loaded', async () => {
  await import('../src/kafka/kafka-bus.ts');
  const require = createRequire(import.meta.url);
  const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as {
    prototype: { scheduleCheckPendingRequests: unknown };
  };
  assert.equal(RequestQueue.prototype.scheduleCheckPendingRequests, scheduleCheckPendingRequests);
});
