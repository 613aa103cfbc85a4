/** Test helpers for the batcher's users: a clock that moves only when told to. */
export { ManualClock } from './manual-clock.ts';
