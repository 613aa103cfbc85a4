/** The embedded adapter: a durable log on local disk behind the Bus port. */
export { FILE_LOG_DEFAULTS, FileLogBus, openFileLogBus } from './file-log-bus.ts';
export type { FileLogBusOptions, RecoveredPartition } from './file-log-bus.ts';
export { FILE_LOG_ENV, fileLogBusConfigSchema, fileLogBusOptionsFromEnv } from './config.ts';
