export { batcherConfigSchema, type BatcherConfig } from './batcher-config.ts';
export { startBatcherService, type BatcherServiceOptions } from './batcher-service.ts';
export { batcherAdapters, batcherSettings } from './batcher-settings.ts';
