/**
 * The proof API's settings (`ANCHORPOST_PROOF_API_*`); the chain's RPC is configured by
 * `ANCHORPOST_EVM_*`. The trust roots it publishes (`GET /v1/trust-roots`) come from the platform's
 * shared settings: its id, the anchor contract, the anchorer's submitter addresses and the Ergo
 * marker with its minting transaction.
 */
import { managementConfigSchema, type ConfigOf, type ConfigSchema } from '@anchorpost/service-kit';

const ADDRESS = '0x[0-9a-fA-F]{40}';
const ERGO_ID = /^[0-9a-fA-F]{64}$/;

export const proofApiConfigSchema = {
  host: { kind: 'string', env: 'ANCHORPOST_PROOF_API_HOST', default: '127.0.0.1' },
  port: { kind: 'int', env: 'ANCHORPOST_PROOF_API_PORT', default: 7450, min: 0, max: 65_535 },
  ...managementConfigSchema('PROOF_API', 7451),
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
   * (ANCHORPOST_DATABASE_URL); unset: the same database. Only read.
   */
  receiptsDatabaseUrl: {
    kind: 'url',
    env: 'ANCHORPOST_PROOF_API_RECEIPTS_DATABASE_URL',
    protocols: ['postgresql:', 'postgres:'],
    optional: true,
    // It carries a password: never echoed.
    secret: true,
  },
  /** The platform id (the batcher's): the `platform` of the published trust roots. */
  platform: {
    kind: 'string',
    env: 'ANCHORPOST_PLATFORM_ID',
    default: 'anchorpost-local',
    pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/,
  },
  /** The anchor contract (the anchorer's and parser's); empty: no EVM trust root published. */
  anchorContract: {
    kind: 'string',
    env: 'ANCHORPOST_EVM_ANCHOR_CONTRACT',
    default: '',
    pattern: new RegExp(`^${ADDRESS}$`),
  },
  /** The anchorer's signer address(es), comma-separated: whose Anchored events the roots accept. */
  anchorSubmitters: {
    kind: 'string',
    env: 'ANCHORPOST_EVM_ANCHOR_SUBMITTERS',
    default: '',
    pattern: new RegExp(`^${ADDRESS}(\\s*,\\s*${ADDRESS})*$`),
  },
  /** The Ergo marker token (with Ergo on), as the anchorer's and parser's. */
  ergoTokenId: { kind: 'string', env: 'ANCHORPOST_ERGO_TOKEN_ID', default: '', pattern: ERGO_ID },
  /** The marker's minting transaction (`anchorpost ergo mint-marker` prints it). */
  ergoMintTxId: { kind: 'string', env: 'ANCHORPOST_ERGO_MINT_TX_ID', default: '', pattern: ERGO_ID },
} as const satisfies ConfigSchema;

export type ProofApiServiceConfig = ConfigOf<typeof proofApiConfigSchema>;
