/** The proof API's settings (`ANCHORPOST_PROOF_API_*`); the chain's RPC is configured by `ANCHORPOST_EVM_*`. */
import type { ConfigOf, ConfigSchema } from '@anchorpost/service-kit';

export const proofApiConfigSchema = {
  host: { kind: 'string', env: 'ANCHORPOST_PROOF_API_HOST', default: '127.0.0.1' },
  port: { kind: 'int', env: 'ANCHORPOST_PROOF_API_PORT', default: 7450, min: 0, max: 65_535 },
  /**
   * `Cache-Control: max-age` of proofs and batches. Short: their confirmations and anchors move
   * with the chain. Pending answers and unknown CIDs are never cached.
   */
  cacheMaxAgeSeconds: {
    kind: 'int',
    env: 'ANCHORPOST_PROOF_API_CACHE_MAX_AGE_SECONDS',
    default: 10,
    min: 0,
    max: 3_600,
  },
  /** How long one read of the chain head serves proofs (confirmations are counted from it). */
  headCacheMs: { kind: 'duration', env: 'ANCHORPOST_PROOF_API_HEAD_CACHE', default: 1_000 },
  /**
   * PostgreSQL URL of the relay's receipts when they are kept apart from the index
   * (ANCHORPOST_DATABASE_URL); empty: the same database. Only read.
   */
  receiptsDatabaseUrl: { kind: 'string', env: 'ANCHORPOST_PROOF_API_RECEIPTS_DATABASE_URL', default: '' },
} as const satisfies ConfigSchema;

export type ProofApiServiceConfig = ConfigOf<typeof proofApiConfigSchema>;
