/**
 * The chain-neutral engine: persisted requests, their transitions and the tick, over a small
 * per-chain AnchorDriver (see anchor-driver.ts for what a driver must do). RequestEngine sends
 * any kind of request; AnchorEngine is it for anchor requests.
 */
export { AnchorEngine } from './anchor-engine.ts';
export type { AnchorEngineOptions, AnchorEngineSettings } from './anchor-engine.ts';
export { RequestEngine } from './request-engine.ts';
export type { RequestEngineOptions } from './request-engine.ts';
export type {
  AnchorDriver,
  BroadcastOutcome,
  BroadcastPurpose,
  DriverTick,
  FollowOutcome,
  SignOutcome,
} from './anchor-driver.ts';
export { describeTransition, TickLoop } from './tick-loop.ts';
export type { TickFailure, TickLoopOptions } from './tick-loop.ts';
// PassLoop, with what its caller hands over (PassLogger, PassCounter, PassLoopOptions).
export * from './pass-loop.ts';
