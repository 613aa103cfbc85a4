/**
 * kafkajs 2.2.4 schedules its check of pending requests after `throttledUntil - Date.now()` ms,
 * and `throttledUntil` starts at -1 ("never throttled"): a delay of minus the epoch time in ms
 * (-1796567678534 on a day in December 2026). Node 24 clamps a negative delay to 1 ms and prints
 * a TimeoutNegativeWarning. Upstream has the fix unreleased (tulios/kafkajs pull 1755), so we
 * replace the method with one that reads the clock once and never asks for a negative delay.
 * (Moving `throttledUntil` up to a first reading of the clock and letting kafkajs read it again
 * was not enough: when the millisecond turned between the two readings the delay was -1.)
 * Applied once, on import.
 */
import { createRequire } from 'node:module';

interface RequestQueueLike {
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  readonly pending: readonly unknown[];
  checkPendingRequests(): void;
}
type Schedule = (this: RequestQueueLike) => void;

/** kafkajs's CHECK_PENDING_REQUESTS_INTERVAL: how soon a queue with pending requests looks again. */
const PENDING_CHECK_MS = 10;
/** What Node made of kafkajs's negative delay for a queue with nothing pending. */
const IDLE_CHECK_MS = 1;

const require = createRequire(import.meta.url);
const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as {
  prototype: { scheduleCheckPendingRequests: Schedule & { nonNegative?: true } };
};
const prototype = RequestQueue.prototype;

/**
 * The check runs when the throttle the broker asked for has passed; if none is in force, soon
 * (sooner with nothing pending, as before). A check already scheduled stays.
 */
const nonNegative: Schedule & { nonNegative?: true } = function (this: RequestQueueLike) {
  if (this.throttleCheckTimeoutId) return;
  const throttledFor = this.throttledUntil - Date.now();
  const delay = throttledFor > 0 ? throttledFor : this.pending.length > 0 ? PENDING_CHECK_MS : IDLE_CHECK_MS;
  this.throttleCheckTimeoutId = setTimeout(() => {
    this.throttleCheckTimeoutId = null;
    this.checkPendingRequests();
  }, delay);
};
nonNegative.nonNegative = true;

if (prototype.scheduleCheckPendingRequests.nonNegative !== true) {
  prototype.scheduleCheckPendingRequests = nonNegative;
}

/** The method in place, for the test that shows it schedules no negative timeout. */
export const scheduleCheckPendingRequests: Schedule = prototype.scheduleCheckPendingRequests;
