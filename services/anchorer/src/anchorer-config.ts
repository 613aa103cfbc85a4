/**
 * The anchorer's own settings (`ANCHORPOST_ANCHORER_*`, and the shared partition count of
 * `anchorpost.batch.sealed.v1`). The chain itself is configured by @anchorpost/chains'
 * `evmChainConfigFromEnv` (`ANCHORPOST_EVM_*`), and the signing key by whoever holds keys.
 */
import { managementConfigSchema, type ConfigOf } from '@anchorpost/service-kit';

export const anchorerConfigSchema = {
  host: { kind: 'string', env: 'ANCHORPOST_ANCHORER_HOST', default: '127.0.0.1' },
  port: { kind: 'int', env: 'ANCHORPOST_ANCHORER_PORT', default: 7460, min: 0, max: 65_535 },
  ...managementConfigSchema('ANCHORER', 7461),
  /** How often the chain is ticked (submit, watch, confirm) when all is well. */
  tickInterval: { kind: 'duration', env: 'ANCHORPOST_ANCHORER_TICK_INTERVAL', default: 2_000 },
  /** Ceiling of the backoff between ticks while the chain (or the database) keeps failing. */
  maxTickBackoff: { kind: 'duration', env: 'ANCHORPOST_ANCHORER_MAX_TICK_BACKOFF', default: 60_000 },
  /** The consumer group reading `anchorpost.batch.sealed.v1`. */
  groupId: {
    kind: 'string',
    env: 'ANCHORPOST_ANCHORER_GROUP_ID',
    default: 'anchorer',
    pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/,
  },
  /** Partitions of `anchorpost.batch.sealed.v1`, created with this count if missing (key: platform). */
  batchSealedPartitions: {
    kind: 'int',
    env: 'ANCHORPOST_BATCH_SEALED_PARTITIONS',
    default: 1,
    min: 1,
    max: 1024,
  },
  /** Ceiling of the backoff between attempts at a sealed batch the database or chain refused for now. */
  maxConsumeBackoff: { kind: 'duration', env: 'ANCHORPOST_ANCHORER_MAX_CONSUME_BACKOFF', default: 30_000 },
} as const;

export type AnchorerConfig = ConfigOf<typeof anchorerConfigSchema>;
