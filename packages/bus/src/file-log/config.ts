import { BusError, BusErrorCode } from '../bus-error.ts';
import type { FileLogBusOptions } from './file-log-bus.ts';

/** The environment keys FileLogBus reads; the process refuses to start on a bad value, naming its key. */
export const FILE_LOG_ENV = {
  dir: 'ANCHORPOST_BUS_DIR',
  segmentBytes: 'ANCHORPOST_BUS_SEGMENT_BYTES',
  indexIntervalBytes: 'ANCHORPOST_BUS_INDEX_INTERVAL_BYTES',
  maxRecordBytes: 'ANCHORPOST_BUS_MAX_RECORD_BYTES',
} as const;

export function fileLogBusOptionsFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): FileLogBusOptions {
  const dir = env[FILE_LOG_ENV.dir]?.trim() ?? '';
  if (dir === '')
    throw new BusError(BusErrorCode.BadConfig, `${FILE_LOG_ENV.dir} is required: the bus log directory`);
  const options: { -readonly [K in keyof FileLogBusOptions]: FileLogBusOptions[K] } = { dir };
  for (const name of ['segmentBytes', 'indexIntervalBytes', 'maxRecordBytes'] as const) {
    const key = FILE_LOG_ENV[name];
    const text = env[key]?.trim();
    if (text === undefined || text === '') continue;
    if (!/^[1-9][0-9]*$/.test(text) || !Number.isSafeInteger(Number(text))) {
      throw new BusError(
        BusErrorCode.BadConfig,
        `${key} must be a positive whole number of bytes, got ${JSON.stringify(text)}`,
      );
    }
    options[name] = Number(text);
  }
  return options;
}
