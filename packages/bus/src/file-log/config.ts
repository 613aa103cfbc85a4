import { loadConfig, type ConfigSchema } from '@anchorpost/config';
import type { FileLogBusOptions } from './file-log-bus.ts';

/**
 * FileLogBus's settings, read with loadConfig: the process refuses to start on a bad value
 * (ConfigError, BAD_CONFIG), naming its variable. The sizes are optional (unset: the bus's defaults).
 */
export const fileLogBusConfigSchema = {
  dir: { kind: 'string', env: 'ANCHORPOST_BUS_DIR' },
  segmentBytes: { kind: 'int', env: 'ANCHORPOST_BUS_SEGMENT_BYTES', optional: true, min: 1 },
  indexIntervalBytes: { kind: 'int', env: 'ANCHORPOST_BUS_INDEX_INTERVAL_BYTES', optional: true, min: 1 },
  maxRecordBytes: { kind: 'int', env: 'ANCHORPOST_BUS_MAX_RECORD_BYTES', optional: true, min: 1 },
} as const satisfies ConfigSchema;

/** The environment keys FileLogBus reads, by option. */
export const FILE_LOG_ENV = {
  dir: fileLogBusConfigSchema.dir.env,
  segmentBytes: fileLogBusConfigSchema.segmentBytes.env,
  indexIntervalBytes: fileLogBusConfigSchema.indexIntervalBytes.env,
  maxRecordBytes: fileLogBusConfigSchema.maxRecordBytes.env,
} as const;

export function fileLogBusOptionsFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): FileLogBusOptions {
  const { dir, ...sizes } = loadConfig(fileLogBusConfigSchema, env);
  // Unset sizes stay absent, so the bus's defaults apply.
  return { dir, ...Object.fromEntries(Object.entries(sizes).filter(([, value]) => value !== undefined)) };
}
