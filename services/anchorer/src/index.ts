/** @anchorpost/anchorer-service — the anchorer: sealed batches → anchors on an EVM chain, state in PostgreSQL. */
export { startAnchorerService, type AnchorerServiceOptions } from './anchorer-service.ts';
export { anchorerConfigSchema, type AnchorerConfig } from './anchorer-config.ts';
export { PostgresAnchorRequestStore } from './postgres-anchor-request-store.ts';
export { AnchorTickLoop, type AnchorTickLoopOptions } from './anchor-tick-loop.ts';
export { anchorerAdapters, anchorerSettings } from './anchorer-settings.ts';
