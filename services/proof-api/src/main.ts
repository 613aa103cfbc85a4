#!/usr/bin/env node
/**
 * `anchorpost-proof-api` (`npm run start:proof-api`): the proof API alone in its own process,
 * configured by the environment alone: the index database of @anchorpost/runtime, the chain's RPC
 * from `ANCHORPOST_EVM_*`, the Ergo node from `ANCHORPOST_ERGO_*` when ANCHORPOST_ERGO_NODE_URLS is
 * set, and, when the relay's receipts live in another database,
 * ANCHORPOST_PROOF_API_RECEIPTS_DATABASE_URL. The published trust roots come from the contract,
 * submitter and marker settings (proof-api-config.ts).
 */
import { openDatabase } from '@anchorpost/db';
import { runServiceMain } from '@anchorpost/runtime';
import { loadConfig } from '@anchorpost/service-kit';
import { proofApiConfigSchema } from './proof-api-config.ts';
import { startProofApiService } from './proof-api-service.ts';
import { proofApiAdapters } from './proof-api-settings.ts';

await runServiceMain({
  service: 'proof-api',
  needs: proofApiAdapters,
  config(env) {
    const config = loadConfig(proofApiConfigSchema, env);
    const databaseUrl = config.receiptsDatabaseUrl;
    // Read a few rows now and then: a small pool.
    const receipts =
      databaseUrl === undefined ? undefined : { mode: 'postgres' as const, databaseUrl, poolSize: 2 };
    return { config, receipts };
  },
  async start({ config: { config, receipts }, adapters: { database, evmRpc, ergoNode }, logger }) {
    const receiptsDb = receipts === undefined ? undefined : await openDatabase(receipts);
    try {
      const service = await startProofApiService({
        config,
        database,
        receipts: receiptsDb?.database,
        evm: evmRpc,
        ergo: ergoNode,
        logger,
        handleSignals: false,
      });
      let closing: Promise<void> | undefined;
      return {
        ...service,
        close: () =>
          (closing ??= (async () => {
            try {
              await service.close();
            } finally {
              await receiptsDb?.close();
            }
          })()),
      };
    } catch (error) {
      await receiptsDb?.close();
      throw error;
    }
  },
});
