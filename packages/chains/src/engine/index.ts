/**
 * The chain-neutral anchoring engine: persisted requests, their transitions and the tick, over a
 * small per-chain AnchorDriver (see anchor-driver.ts for what a driver must do).
 */
export { AnchorEngine } from './anchor-engine.ts';
export type { AnchorEngineOptions, AnchorEngineSettings } from './anchor-engine.ts';
export type {
  AnchorDriver,
  BroadcastOutcome,
  BroadcastPurpose,
  DriverTick,
  FollowOutcome,
  SignOutcome,
} from './anchor-driver.ts';
