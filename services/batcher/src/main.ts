#!/usr/bin/env node
/**
 * `anchorpost-batcher` (`npm run start:batcher`): the batcher alone in its own process, configured
 * by the environment alone, on the bus and storage of @anchorpost/runtime.
 */
import { BATCH_SEALED_TOPIC } from '@anchorpost/events';
import { runServiceMain } from '@anchorpost/runtime';
import { loadConfig } from '@anchorpost/service-kit';
import { batcherConfigSchema } from './batcher-config.ts';
import { batcherAdapters } from './batcher-settings.ts';
import { startBatcherService } from './batcher-service.ts';

await runServiceMain({
  service: 'batcher',
  needs: batcherAdapters,
  config: (env) => loadConfig(batcherConfigSchema, env),
  start: ({ config, adapters: { bus, storage }, logger }) =>
    startBatcherService({
      config,
      bus,
      store: storage,
      logger,
      readiness: [{ name: 'bus', check: () => bus.endOffsets(BATCH_SEALED_TOPIC).then(() => undefined) }],
      handleSignals: false,
    }),
});
