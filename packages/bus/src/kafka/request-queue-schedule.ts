/**
 * kafkajs 2.2.4 schedules its check of pending requests after `throttledUntil - Date.now()` ms,
 * and `throttledUntil` starts at -1 ("never throttled"): a delay of minus the epoch time in ms
 * (-1796567678534 on a day in December 2026). Node 24 clamps it to 1 ms and prints a
 * TimeoutNegativeWarning on every client's first request. Upstream has the fix unreleased
 * (tulios/kafkajs pull 1755), so we wrap the method: a throttle that has passed is "until now",
 * which schedules the same 1 ms check without a negative delay. Applied once, on import.
 */
import { createRequire } from 'node:module';

interface RequestQueueLike {
  throttledUntil: number;
}
type Schedule = (this: RequestQueueLike) => void;

const require = createRequire(import.meta.url);
const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as {
  prototype: { scheduleCheckPendingRequests: Schedule & { nonNegative?: true } };
};
const prototype = RequestQueue.prototype;

if (prototype.scheduleCheckPendingRequests.nonNegative !== true) {
  const schedule = prototype.scheduleCheckPendingRequests;
  const nonNegative: Schedule & { nonNegative?: true } = function (this: RequestQueueLike) {
    const now = Date.now();
    if (this.throttledUntil < now) this.throttledUntil = now;
    schedule.call(this);
  };
  nonNegative.nonNegative = true;
  prototype.scheduleCheckPendingRequests = nonNegative;
}

/** The patched method, for the test that shows it schedules no negative timeout. */
export const scheduleCheckPendingRequests: Schedule = prototype.scheduleCheckPendingRequests;
