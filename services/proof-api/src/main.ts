#!/usr/bin/env node
/**
 * `anchorpost-proof-api` (`npm run start:proof-api`): the proof API alone in its own process,
 * configured by the environment alone: the index database of @anchorpost/runtime, the chain's RPC
 * from `ANCHORPOST_EVM_*`, the Ergo node from `ANCHORPOST_ERGO_*` when ANCHORPOST_ERGO_NODE_URLS is
 * set, and, when the relay's receipts live in another database,
 * ANCHORPOST_PROOF_API_RECEIPTS_DATABASE_URL. The published trust roots come from the contract,
 * submitter and marker settings (proof-api-config.ts).
 */
import { runServiceMain, startWithSideDatabase } from '@anchorpost/runtime';
import { loadConfig } from '@anchorpost/service-kit';
import { proofApiConfigSchema } from './proof-api-config.ts';
import { startProofApiService } from './proof-api-service.ts';
import { proofApiAdapters } from './proof-api-settings.ts';

await runServiceMain({
  service: 'proof-api',
  needs: proofApiAdapters,
  config: (env) => loadConfig(proofApiConfigSchema, env),
  start: ({ config, adapters: { database, evmRpc, ergoNode }, logger }) =>
    // The relay's receipts, when in another database: read a few rows now and then.
    startWithSideDatabase(config.receiptsDatabaseUrl, (receipts) =>
      startProofApiService({
        config,
        database,
        receipts,
        evm: evmRpc,
        ergo: ergoNode,
        logger,
        handleSignals: false,
      }),
    ),
});
