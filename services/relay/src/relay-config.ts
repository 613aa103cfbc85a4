/** The relay service's settings, from `ANCHORPOST_RELAY_*`, checked at start-up. */
import type { ConfigOf } from '@anchorpost/service-kit';

export const relayConfigSchema = {
  host: { kind: 'string', env: 'ANCHORPOST_RELAY_HOST', default: '127.0.0.1' },
  httpPort: { kind: 'int', env: 'ANCHORPOST_RELAY_HTTP_PORT', default: 7410, min: 0, max: 65_535 },
  grpcPort: { kind: 'int', env: 'ANCHORPOST_RELAY_GRPC_PORT', default: 7411, min: 0, max: 65_535 },
  maxTxFileBytes: {
    kind: 'int',
    env: 'ANCHORPOST_RELAY_MAX_TX_FILE_BYTES',
    default: 1_048_576,
    min: 1024,
    max: 64 * 1_048_576,
  },
  partitions: { kind: 'int', env: 'ANCHORPOST_RELAY_PARTITIONS', default: 8, min: 1, max: 10_000 },
  sseHeartbeatMs: { kind: 'duration', env: 'ANCHORPOST_RELAY_SSE_HEARTBEAT', default: 15_000 },
  /**
   * Tenants and their client keys (`{ tenants: [{ id, clientKeys: [...] }] }`, JSON), imported
   * into the database only while it holds no tenant (a first start); after that the admin API
   * and `anchorpost tenant` manage tenants. Empty: nothing to import.
   */
  tenantsFile: { kind: 'string', env: 'ANCHORPOST_RELAY_TENANTS_FILE', default: '' },
  /**
   * How long a relay trusts what it read about an API key or a tenant's client keys: a revoked
   * key or a removed client is refused by every replica at most this long after the change.
   */
  tenantsCacheTtlMs: { kind: 'duration', env: 'ANCHORPOST_RELAY_TENANTS_CACHE_TTL', default: 5_000 },
  /** The admin API's interface: operators only, so loopback unless the operator says otherwise. */
  adminHost: { kind: 'string', env: 'ANCHORPOST_RELAY_ADMIN_HOST', default: '127.0.0.1' },
  adminPort: { kind: 'int', env: 'ANCHORPOST_RELAY_ADMIN_PORT', default: 7412, min: 0, max: 65_535 },
  /**
   * The operator's admin key (a file holding one line of at least 32 characters); the admin API
   * takes `Authorization: Bearer <it>`. Empty: no admin API.
   */
  adminKeyFile: { kind: 'string', env: 'ANCHORPOST_RELAY_ADMIN_KEY_FILE', default: '' },
  /** The relay's Ed25519 receipt-signing key, PKCS#8 PEM. */
  keyFile: { kind: 'string', env: 'ANCHORPOST_RELAY_KEY_FILE' },
  /**
   * An Ergo node's REST API; set, every tx-file's `lastblock` and `trustedblock` must be blocks
   * of its chain, at or below its tip. Empty: block ids are not checked.
   */
  ergoNodeUrl: { kind: 'url', env: 'ANCHORPOST_RELAY_ERGO_NODE_URL', default: '' },
  /**
   * With an Ergo node: the network it must be on (`mainnet`, `testnet` or `devnet`, as its
   * `/info` says), checked once when the relay starts; a node on another one is refused then.
   */
  ergoNetwork: {
    kind: 'enum',
    env: 'ANCHORPOST_RELAY_ERGO_NETWORK',
    values: ['mainnet', 'testnet', 'devnet'],
    default: 'mainnet',
  },
  /**
   * With an Ergo node: how many blocks below the tip a `trustedblock` may be (at least the
   * protocol's own depth, 10; the default, 720, is about a day of Ergo blocks).
   */
  trustedblockMaxAge: {
    kind: 'int',
    env: 'ANCHORPOST_RELAY_TRUSTEDBLOCK_MAX_AGE',
    default: 720,
    min: 10,
    max: 1_000_000,
  },
} as const;

export type RelayConfig = ConfigOf<typeof relayConfigSchema>;
