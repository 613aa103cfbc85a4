#!/usr/bin/env node
/**
 * `anchorpost-proof-api` (`npm run start:proof-api`): the proof API alone in its own process,
 * configured by the environment alone: the index database of @anchorpost/runtime, the chain's RPC
 * from `ANCHORPOST_EVM_*`, the Ergo node from `ANCHORPOST_ERGO_*` when ANCHORPOST_ERGO_NODE_URLS is
 * set, and, when the relay's receipts live in another database,
 * ANCHORPOST_PROOF_API_RECEIPTS_DATABASE_URL. The published trust roots come from the contract,
 * submitter and marker settings (proof-api-config.ts).
 */
import { openDatabase, readDatabaseConfig } from '@anchorpost/db';
import { runServiceMain } from '@anchorpost/runtime';
import { ConfigError, loadConfig } from '@anchorpost/service-kit';
import { proofApiConfigSchema } from './proof-api-config.ts';
import { startProofApiService } from './proof-api-service.ts';

const RECEIPTS_URL_ENV = 'ANCHORPOST_PROOF_API_RECEIPTS_DATABASE_URL';

await runServiceMain({
  service: 'proof-api',
  needs: ['database', 'evmRpc', 'ergoNode'],
  config(env) {
    const config = loadConfig(proofApiConfigSchema, env);
    if (config.receiptsDatabaseUrl === '') return { config, receipts: undefined };
    try {
      const receipts = readDatabaseConfig({ ANCHORPOST_DATABASE_URL: config.receiptsDatabaseUrl });
      // Read a few rows now and then: a small pool.
      return { config, receipts: { ...receipts, poolSize: 2 } };
    } catch {
      // Never echo the URL: it carries a password.
      throw new ConfigError(RECEIPTS_URL_ENV, 'is not a postgresql:// URL');
    }
  },
  async start({ config: { config, receipts }, adapters: { database, evmRpc, ergoNode }, logger }) {
    const receiptsDb = receipts === undefined ? undefined : await openDatabase(receipts);
    try {
      const service = await startProofApiService({
        config,
        database,
        ...(receiptsDb === undefined ? {} : { receipts: receiptsDb.database }),
        evm: evmRpc,
        ...(ergoNode === undefined ? {} : { ergo: ergoNode }),
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
