#!/usr/bin/env node
/**
 * `anchorpost-parser` (`npm run start:parser`): the parser alone in its own process, configured by
 * the environment alone: the database and storage of @anchorpost/runtime, the chain from
 * `ANCHORPOST_EVM_*`.
 */
import { runServiceMain } from '@anchorpost/runtime';
import { loadConfig } from '@anchorpost/service-kit';
import { parserConfigSchema } from './parser-config.ts';
import { startParserService } from './parser-service.ts';

await runServiceMain({
  service: 'parser',
  needs: ['database', 'storage', 'evm'],
  config: (env) => loadConfig(parserConfigSchema, env),
  start: ({ config, adapters: { database, storage, evm }, logger }) =>
    startParserService({ config, database, store: storage, evm, logger, handleSignals: false }),
});
