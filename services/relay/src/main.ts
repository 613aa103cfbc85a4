#!/usr/bin/env node
/**
 * `anchorpost-relay` (`npm run start:relay`): the relay alone in its own process, configured by
 * the environment alone, on the bus, storage and database of @anchorpost/runtime. The tenants and
 * key files default into the data folder of `npm start` (created there by the platform).
 */
import { access, constants } from 'node:fs/promises';
import { join } from 'node:path';
import { TX_FILE_ACCEPTED_TOPIC } from '@anchorpost/events';
import { electionConfigFromEnv, electionFactory } from '@anchorpost/leader-election';
import { dataRoot, evmRpcConfigFromEnv, runServiceMain, startWithSideDatabase } from '@anchorpost/runtime';
import { ConfigError, loadConfig, ServiceMetrics } from '@anchorpost/service-kit';
import { openRelay } from './open-relay.ts';
import { relayConfigSchema } from './relay-config.ts';
import { relayAdapters } from './relay-settings.ts';
import { startRelayService } from './relay-service.ts';
import { RELAY_METRICS } from './relay-metrics.ts';

async function readable(key: string, path: string): Promise<void> {
  try {
    await access(path, constants.R_OK);
  } catch (cause) {
    throw new ConfigError(key, `cannot read ${path}: ${(cause as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

await runServiceMain({
  service: 'relay',
  needs: relayAdapters,
  async config(env) {
    electionConfigFromEnv(env, 'relay'); // checked with the rest, before anything opens
    const root = dataRoot(env);
    const config = loadConfig(relayConfigSchema, {
      ANCHORPOST_RELAY_TENANTS_FILE: join(root, 'tenants.json'),
      ANCHORPOST_RELAY_KEY_FILE: join(root, 'keys', 'relay-key.pem'),
      ...env,
    });
    await readable('ANCHORPOST_RELAY_TENANTS_FILE', config.tenantsFile);
    await readable('ANCHORPOST_RELAY_KEY_FILE', config.keyFile);
    // Only a relay that requires published client keys reads a chain (ANCHORPOST_EVM_RPC_*).
    const keyRegistryRpc = config.keyRegistry === '' ? undefined : evmRpcConfigFromEnv(env);
    return { ...config, keyRegistryRpc };
  },
  async start({ config: { keyRegistryRpc, ...config }, adapters: { bus, storage, database }, logger }) {
    const metrics = new ServiceMetrics('relay', RELAY_METRICS);
    // The parser's index, when apart: read now and then by the usage report.
    return startWithSideDatabase(config.indexDatabaseUrl, async (index) => {
      const relay = await openRelay({
        config,
        bus,
        storage,
        database,
        ...(index === undefined ? {} : { index }),
        evmRpc: keyRegistryRpc,
        metrics,
        logger,
      });
      return startRelayService({
        config,
        relay,
        metrics,
        logger,
        readiness: [
          { name: 'database', check: () => database.ping() },
          { name: 'bus', check: () => bus.endOffsets(TX_FILE_ACCEPTED_TOPIC).then(() => undefined) },
        ],
        handleSignals: false,
        // Replicas elect one deliverer of peers' files (ANCHORPOST_LEADER_ELECTION; off: this one).
        inboundElection: electionFactory(electionConfigFromEnv(process.env, 'relay')),
      });
    });
  },
});
