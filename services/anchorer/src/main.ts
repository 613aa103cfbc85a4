#!/usr/bin/env node
/**
 * `anchorpost-anchorer` (`npm run start:anchorer`): the anchorer alone in its own process,
 * configured by the environment alone: the bus and database of @anchorpost/runtime, the chain from
 * `ANCHORPOST_EVM_*`, and the signing key from the file ANCHORPOST_EVM_SIGNER_KEY_FILE names.
 */
import { runServiceMain } from '@anchorpost/runtime';
import { loadConfig } from '@anchorpost/service-kit';
import { anchorerConfigSchema } from './anchorer-config.ts';
import { startAnchorerService } from './anchorer-service.ts';

await runServiceMain({
  service: 'anchorer',
  needs: ['bus', 'database', 'evm', 'signer'],
  config: (env) => loadConfig(anchorerConfigSchema, env),
  start: ({ config, adapters: { bus, database, evm, signer }, logger }) =>
    startAnchorerService({ config, bus, database, evm, signer, logger, handleSignals: false }),
});
