#!/usr/bin/env node
/**
 * `anchorpost-updater`: the updater alone in its own process, configured by the environment
 * alone: the database and storage of @anchorpost/runtime, the chain's RPC from
 * `ANCHORPOST_EVM_RPC_URLS`, the rest from `ANCHORPOST_UPDATER_*` (keys and tokens from files).
 * Replicas elect one writer with ANCHORPOST_LEADER_ELECTION (@anchorpost/leader-election).
 */
import { evmRpcConfigSchema } from '@anchorpost/chains';
import { electionConfigFromEnv, electionFactory } from '@anchorpost/leader-election';
import { runServiceMain } from '@anchorpost/runtime';
import { loadConfig } from '@anchorpost/service-kit';
import { updaterConfigSchema } from './updater-config.ts';
import { startUpdaterService } from './updater-service.ts';
import { updaterAdapters } from './updater-settings.ts';

await runServiceMain({
  service: 'updater',
  needs: updaterAdapters,
  config: (env) => ({
    updater: loadConfig(updaterConfigSchema, env),
    rpc: loadConfig(evmRpcConfigSchema, env),
    election: electionConfigFromEnv(env, 'updater'),
  }),
  start: ({ config: { updater, rpc, election }, adapters: { database, storage }, logger }) =>
    startUpdaterService({
      config: updater,
      rpcUrls: rpc.rpcUrls,
      chainId: rpc.chainId,
      election: electionFactory(election),
      database,
      store: storage,
      logger,
      handleSignals: false,
    }),
});
