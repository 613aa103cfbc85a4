/** The parser service's settings (`ANCHORPOST_PARSER_*`); the chain itself is configured by `ANCHORPOST_EVM_*`. */
import { managementConfigSchema, type ConfigOf, type ConfigSchema } from '@anchorpost/service-kit';

export const parserConfigSchema = {
  /** Confirmations (counting the anchor's own block) before an anchor is indexed. */
  trustedDepth: { kind: 'int', env: 'ANCHORPOST_PARSER_TRUSTED_DEPTH', default: 10, min: 1, max: 10_000 },
  /** Pause between runs once caught up. */
  pollIntervalMs: { kind: 'duration', env: 'ANCHORPOST_PARSER_POLL_INTERVAL', default: 5_000 },
  /** Longest pause after failed runs (the back-off doubles up to it). */
  maxFailureDelayMs: { kind: 'duration', env: 'ANCHORPOST_PARSER_MAX_FAILURE_DELAY', default: 60_000 },
  /** Time limit of one storage read. */
  storageTimeoutMs: { kind: 'duration', env: 'ANCHORPOST_PARSER_STORAGE_TIMEOUT', default: 30_000 },
  /** Tx-files fetched from storage at once (each at most 1 MiB: this bounds the bytes in flight). */
  txFileConcurrency: {
    kind: 'int',
    env: 'ANCHORPOST_PARSER_TX_FILE_CONCURRENCY',
    default: 32,
    min: 1,
    max: 256,
  },
  /** Worker threads parsing tx-files beside the event loop (ADR 0036); 0 parses on the event loop. */
  parseThreads: { kind: 'int', env: 'ANCHORPOST_PARSER_PARSE_THREADS', default: 1, min: 0, max: 64 },
  /** `global` catches every repeated entry of a batch-file (≈72 bytes per entry); `page` only within a page. */
  duplicateCheck: {
    kind: 'enum',
    env: 'ANCHORPOST_PARSER_DUPLICATE_CHECK',
    values: ['global', 'page'],
    default: 'global',
  },
  /** How often the peers followed through the chain are read again from the database (ADR 0031). */
  peerRefreshMs: { kind: 'duration', env: 'ANCHORPOST_PARSER_PEER_REFRESH', default: 30_000 },
  /** HTTP port of /healthz and the bare /readyz (the management port has /metrics). */
  host: { kind: 'string', env: 'ANCHORPOST_PARSER_HOST', default: '127.0.0.1' },
  port: { kind: 'int', env: 'ANCHORPOST_PARSER_PORT', default: 7440, min: 0, max: 65_535 },
  ...managementConfigSchema('PARSER', 7441),
} as const satisfies ConfigSchema;

export type ParserServiceConfig = ConfigOf<typeof parserConfigSchema>;
