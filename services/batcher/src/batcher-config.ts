/** The batcher service's settings, from the environment, checked at start-up. */
import type { ConfigOf } from '@anchorpost/service-kit';

export const batcherConfigSchema = {
  host: { kind: 'string', env: 'ANCHORPOST_BATCHER_HOST', default: '127.0.0.1' },
  port: { kind: 'int', env: 'ANCHORPOST_BATCHER_PORT', default: 7430, min: 0, max: 65_535 },
  /** The platform id written into every batch-file (and the key of `batch.sealed`). */
  platform: {
    kind: 'string',
    env: 'ANCHORPOST_PLATFORM_ID',
    default: 'anchorpost-local',
    pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/,
  },
  /** Seal at least this often while files are waiting. */
  intervalMs: { kind: 'duration', env: 'ANCHORPOST_BATCH_INTERVAL', default: 60_000 },
  /** Seal as soon as this many files are waiting. */
  maxFiles: { kind: 'int', env: 'ANCHORPOST_BATCH_MAX_FILES', default: 10_000, min: 1, max: 1_000_000 },
} as const;

export type BatcherConfig = ConfigOf<typeof batcherConfigSchema>;
