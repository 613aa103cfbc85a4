#!/usr/bin/env node
/**
 * `anchorpost-proof-api` (`npm run start:proof-api`): the proof API alone in its own process,
 * configured by the environment alone: the database of @anchorpost/runtime and the chain's RPC
 * from `ANCHORPOST_EVM_*`.
 */
import { runServiceMain } from '@anchorpost/runtime';
import { loadConfig } from '@anchorpost/service-kit';
import { proofApiConfigSchema } from './proof-api-config.ts';
import { startProofApiService } from './proof-api-service.ts';

await runServiceMain({
  service: 'proof-api',
  needs: ['database', 'evmRpc'],
  config: (env) => loadConfig(proofApiConfigSchema, env),
  start: ({ config, adapters: { database, evmRpc }, logger }) =>
    startProofApiService({ config, database, evm: evmRpc, logger, handleSignals: false }),
});
