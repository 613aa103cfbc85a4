/** @anchorpost/updater-service — the updater service and its adapters (chain, PostgreSQL store). */
export { EvmGovernanceChain } from './evm-governance-chain.ts';
export type { EvmGovernanceChainOptions } from './evm-governance-chain.ts';
export { PostgresUpdaterStore } from './postgres-updater-store.ts';
export { updaterConfigSchema } from './updater-config.ts';
export type { UpdaterConfig } from './updater-config.ts';
export { startUpdaterService } from './updater-service.ts';
export type { UpdaterServiceOptions } from './updater-service.ts';
export { updaterAdapters, updaterSettings } from './updater-settings.ts';
