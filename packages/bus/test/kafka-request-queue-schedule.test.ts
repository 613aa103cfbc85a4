/**
 * kafkajs's request queue, as our bus loads it, schedules its pending-request check without a
 * negative delay (Node 24 prints TimeoutNegativeWarning for -Date.now() otherwise).
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { it } from 'node:test';
import { scheduleCheckPendingRequests } from '../src/kafka/request-queue-schedule.ts';

it('schedules the check of a never-throttled queue without a TimeoutNegativeWarning', async () => {
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
  process.on('warning', onWarning);
  try {
    let checked = false;
    // The fields kafkajs's constructor sets: throttledUntil = -1 means "never throttled".
    const queue = {
      throttledUntil: -1,
      throttleCheckTimeoutId: null as NodeJS.Timeout | null,
      pending: [] as unknown[],
      checkPendingRequests() {
        checked = true;
      },
    };
    scheduleCheckPendingRequests.call(queue);
    assert.ok(queue.throttleCheckTimeoutId !== null);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(checked, 'the pending requests were checked');
  } finally {
    process.off('warning', onWarning);
  }
  assert.deepEqual(
    warnings.filter((warning) => warning.startsWith('TimeoutNegativeWarning')),
    [],
  );
});

it('is in place once the Kafka bus is loaded', async () => {
  await import('../src/kafka/kafka-bus.ts');
  const require = createRequire(import.meta.url);
  const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as {
    prototype: { scheduleCheckPendingRequests: unknown };
  };
  assert.equal(RequestQueue.prototype.scheduleCheckPendingRequests, scheduleCheckPendingRequests);
});
