#!/usr/bin/env node
/**
 * `anchorpost-anchorer` (`npm run start:anchorer`): the anchorer alone in its own process,
 * configured by the environment alone: the bus and database of @anchorpost/runtime, the chain from
 * `ANCHORPOST_EVM_*`, and the signing key from the file ANCHORPOST_EVM_SIGNER_KEY_FILE names; with
 * ANCHORPOST_ERGO_NODE_URLS set, Ergo too (`ANCHORPOST_ERGO_*`, the wallet mnemonic from the file
 * ANCHORPOST_ERGO_MNEMONIC_FILE names). Replicas elect one writer with ANCHORPOST_LEADER_ELECTION
 * (@anchorpost/leader-election).
 */
import { electionConfigFromEnv, electionFactory } from '@anchorpost/leader-election';
import { runServiceMain } from '@anchorpost/runtime';
import { loadConfig } from '@anchorpost/service-kit';
import { anchorerConfigSchema } from './anchorer-config.ts';
import { anchorerAdapters } from './anchorer-settings.ts';
import { startAnchorerService } from './anchorer-service.ts';

await runServiceMain({
  service: 'anchorer',
  needs: anchorerAdapters,
  config: (env) => ({
    anchorer: loadConfig(anchorerConfigSchema, env),
    election: electionConfigFromEnv(env, 'anchorer'),
  }),
  start: ({
    config: { anchorer: config, election },
    adapters: { bus, database, evm, signer, ergo, ergoKey },
    logger,
  }) =>
    startAnchorerService({
      config,
      election: electionFactory(election),
      bus,
      database,
      evm,
      signer,
      ...(ergo === undefined || ergoKey === undefined ? {} : { ergo: { config: ergo, wallet: ergoKey } }),
      logger,
      handleSignals: false,
    }),
});
