/** @anchorpost/relay-service/testing — a real relay in the test's process for its clients' tests, and an open-loop load for benches. */
export { startRelayInstance } from './relay-instance.ts';
export type { RelayInstance, RelayInstanceOptions } from './relay-instance.ts';
export { post, runOpenLoop } from './open-loop-load.ts';
export type { OpenLoopInput, OpenLoopTxFile, RateResult } from './open-loop-load.ts';
export { percentile, summarize } from './latency.ts';
export type { LatencySummary } from './latency.ts';
