#!/usr/bin/env node
/**
 * `anchorpost-parser` (`npm run start:parser`): the parser alone in its own process, configured by
 * the environment alone: the database and storage of @anchorpost/runtime, the chain from
 * `ANCHORPOST_EVM_*`, and Ergo from `ANCHORPOST_ERGO_*` when ANCHORPOST_ERGO_NODE_URLS is set.
 *   anchorpost-parser            run the service (stops cleanly on SIGTERM / Ctrl-C)
 *   anchorpost-parser rebuild    empty the index and restore it from the chain and storage alone,
 *                                print the result as one JSON line (run it with the service stopped)
 */
import { electionConfigFromEnv, electionFactory } from '@anchorpost/leader-election';
import { runServiceMain, runServiceTask } from '@anchorpost/runtime';
import { loadConfig } from '@anchorpost/service-kit';
import { parserConfigSchema } from './parser-config.ts';
import { parserAdapters } from './parser-settings.ts';
import { startParserService } from './parser-service.ts';
import { rebuildIndex, rebuildTuning } from './rebuild-index.ts';

const [command = 'start', ...rest] = process.argv.slice(2);
if (rest.length > 0 || !['start', 'rebuild'].includes(command)) {
  process.stderr.write('usage: anchorpost-parser [start | rebuild]\n');
  process.exit(2);
}

const needs = parserAdapters;
const config = (env: NodeJS.ProcessEnv) => {
  electionConfigFromEnv(env, 'parser'); // checked with the rest, before anything opens
  return loadConfig(parserConfigSchema, env);
};

if (command === 'rebuild') {
  await runServiceTask({
    service: 'parser',
    needs,
    config,
    run: ({ config, adapters: { database, storage, evm, ergo }, logger }) =>
      rebuildIndex({
        database,
        store: storage,
        evm,
        ergo,
        trustedDepth: config.trustedDepth,
        logger,
        tuning: rebuildTuning(config),
      }),
  });
} else {
  await runServiceMain({
    service: 'parser',
    needs,
    config,
    start: ({ config, adapters: { database, storage, evm, ergo }, logger }) =>
      startParserService({
        config,
        // Replicas elect one indexer (ANCHORPOST_LEADER_ELECTION; off: a single replica).
        election: electionFactory(electionConfigFromEnv(process.env, 'parser')),
        database,
        store: storage,
        evm,
        ergo,
        logger,
        handleSignals: false,
      }),
  });
}
