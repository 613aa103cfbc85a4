/** The relay service's settings, from `ANCHORPOST_RELAY_*`, checked at start-up. */
import { managementConfigSchema, type ConfigOf } from '@anchorpost/service-kit';

export const relayConfigSchema = {
  host: { kind: 'string', env: 'ANCHORPOST_RELAY_HOST', default: '127.0.0.1' },
  httpPort: { kind: 'int', env: 'ANCHORPOST_RELAY_HTTP_PORT', default: 7410, min: 0, max: 65_535 },
  grpcPort: { kind: 'int', env: 'ANCHORPOST_RELAY_GRPC_PORT', default: 7411, min: 0, max: 65_535 },
  /**
   * The page origins (`https://app.example`, comma-separated) whose browser requests the HTTP API
   * answers (CORS); a request from any other page origin is refused with 403 ORIGIN_NOT_ALLOWED.
   * Empty (the default): no page of another origin may call the relay.
   */
  corsOrigins: { kind: 'string', env: 'ANCHORPOST_RELAY_CORS_ORIGINS', default: '' },
  ...managementConfigSchema('RELAY', 7413),
  /** How often the files of peer platforms indexed by the parser are delivered (ADR 0031). */
  inboundIntervalMs: { kind: 'duration', env: 'ANCHORPOST_RELAY_INBOUND_INTERVAL', default: 5_000 },
  /** The platform id (the batcher's): the admin API refuses it as a peer's name. */
  platform: {
    kind: 'string',
    env: 'ANCHORPOST_PLATFORM_ID',
    default: 'anchorpost-local',
    pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/,
  },
  /**
   * gRPC over TLS: the server's certificate chain and private key (PEM files). With a client CA
   * file too, every client must present a certificate that CA signed (mTLS); the API key is still
   * required on every call.
   */
  grpcTlsCertFile: { kind: 'string', env: 'ANCHORPOST_RELAY_GRPC_TLS_CERT_FILE', default: '' },
  grpcTlsKeyFile: { kind: 'string', env: 'ANCHORPOST_RELAY_GRPC_TLS_KEY_FILE', default: '' },
  grpcTlsClientCaFile: { kind: 'string', env: 'ANCHORPOST_RELAY_GRPC_TLS_CLIENT_CA_FILE', default: '' },
  /**
   * Serve gRPC without TLS on a non-loopback address (behind a TLS-terminating proxy, say). Without
   * it, and without certificate files, the relay refuses to start unless gRPC listens on loopback.
   */
  grpcPlaintext: { kind: 'bool', env: 'ANCHORPOST_RELAY_GRPC_PLAINTEXT', default: false },
  maxTxFileBytes: {
    kind: 'int',
    env: 'ANCHORPOST_RELAY_MAX_TX_FILE_BYTES',
    default: 1_048_576,
    min: 1024,
    max: 64 * 1_048_576,
  },
  partitions: { kind: 'int', env: 'ANCHORPOST_RELAY_PARTITIONS', default: 8, min: 1, max: 10_000 },
  /*
   * Group commit: accepted tx-files are stored, receipted (one database transaction) and published
   * (one produce request) in groups. A group starts this long after its first file arrived (at
   * most 1s; 0: the files of the same event-loop turn), or at once when the previous group is done
   * and files waited for it, and takes at most the given files and bytes.
   */
  groupCommitWindowMs: { kind: 'duration', env: 'ANCHORPOST_RELAY_GROUP_COMMIT_WINDOW', default: 1 },
  groupCommitMaxFiles: {
    kind: 'int',
    env: 'ANCHORPOST_RELAY_GROUP_COMMIT_MAX_FILES',
    default: 256,
    min: 1,
    max: 10_000,
  },
  groupCommitMaxBytes: {
    kind: 'int',
    env: 'ANCHORPOST_RELAY_GROUP_COMMIT_MAX_BYTES',
    default: 1_048_576,
    min: 1024,
    max: 256 * 1_048_576,
  },
  /**
   * Files (and their bytes) waiting for a group at most: past either bound a submit is refused at
   * once with 429 `INGEST_QUEUE_FULL` (retryable) instead of queueing without end.
   */
  ingestQueueMaxFiles: {
    kind: 'int',
    env: 'ANCHORPOST_RELAY_INGEST_QUEUE_MAX_FILES',
    default: 4_096,
    min: 1,
    max: 10_000_000,
  },
  ingestQueueMaxBytes: {
    kind: 'int',
    env: 'ANCHORPOST_RELAY_INGEST_QUEUE_MAX_BYTES',
    default: 64 * 1_048_576,
    min: 1024,
    max: 64 * 1_024 * 1_048_576,
  },
  /**
   * Worker threads that parse each submitted file, check its canonical form, compute its CID and
   * verify its client signature, beside the event loop; 0 does it on the event loop.
   */
  checkThreads: { kind: 'int', env: 'ANCHORPOST_RELAY_CHECK_THREADS', default: 1, min: 0, max: 64 },
  sseHeartbeatMs: { kind: 'duration', env: 'ANCHORPOST_RELAY_SSE_HEARTBEAT', default: 15_000 },
  /**
   * How long a subscription's write may wait for the client to read before the relay drops the
   * stream (the client resumes from its last cursor): a client that stops reading holds one event
   * for at most this long.
   */
  subscriberDrainTimeoutMs: {
    kind: 'duration',
    env: 'ANCHORPOST_RELAY_SUBSCRIBER_DRAIN_TIMEOUT',
    default: 30_000,
  },
  /** Subscriptions open at once in this process, SSE and gRPC together; more get TOO_MANY_STREAMS. */
  maxStreams: { kind: 'int', env: 'ANCHORPOST_RELAY_MAX_STREAMS', default: 1_000, min: 1, max: 1_000_000 },
  /** How often the gRPC server pings a connection to find dead peers (HTTP/2 PING). */
  grpcKeepaliveTimeMs: { kind: 'duration', env: 'ANCHORPOST_RELAY_GRPC_KEEPALIVE_TIME', default: 60_000 },
  /** How long the gRPC server waits for a ping's answer before it closes the connection. */
  grpcKeepaliveTimeoutMs: {
    kind: 'duration',
    env: 'ANCHORPOST_RELAY_GRPC_KEEPALIVE_TIMEOUT',
    default: 20_000,
  },
  /**
   * The policy for gRPC connections without calls: the server pings them like any other (so a
   * client's own keepalive with `permit_without_calls` is welcome), and closes one (GOAWAY) that
   * has had no call open for this long.
   */
  grpcMaxConnectionIdleMs: {
    kind: 'duration',
    env: 'ANCHORPOST_RELAY_GRPC_MAX_CONNECTION_IDLE',
    default: 600_000,
  },
  /** Calls open at once on one gRPC connection (HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS). */
  grpcMaxConcurrentStreams: {
    kind: 'int',
    env: 'ANCHORPOST_RELAY_GRPC_MAX_CONCURRENT_STREAMS',
    default: 100,
    min: 1,
    max: 10_000,
  },
  /**
   * Tenants and their client keys (`{ tenants: [{ id, clientKeys: [...] }] }`, JSON), imported
   * into the database only while it holds no tenant (a first start); after that the admin API
   * and `anchorpost tenant` manage tenants. Empty: nothing to import.
   */
  tenantsFile: { kind: 'string', env: 'ANCHORPOST_RELAY_TENANTS_FILE', default: '' },
  /**
   * How long a relay trusts what it read about an API key, a tenant's client keys or its
   * entitlement to a recipient: a revoked key, a removed client or a withdrawn registration is
   * refused by every replica at most this long after the change.
   */
  tenantsCacheTtlMs: { kind: 'duration', env: 'ANCHORPOST_RELAY_TENANTS_CACHE_TTL', default: 5_000 },
  /*
   * Plans: the limits of the `free` and `pro` plans (a tenant's overrides, set with `anchorpost
   * tenant plan set`, replace single limits). Files per second is a token bucket holding one
   * second's worth; bytes per day count newly accepted tx-files per UTC day; streams are open
   * subscriptions across all replicas; the file limit is capped by ANCHORPOST_RELAY_MAX_TX_FILE_BYTES.
   */
  freeFilesPerSecond: {
    kind: 'int',
    env: 'ANCHORPOST_RELAY_PLAN_FREE_FILES_PER_SECOND',
    default: 50,
    min: 1,
  },
  freeBytesPerDay: {
    kind: 'int',
    env: 'ANCHORPOST_RELAY_PLAN_FREE_BYTES_PER_DAY',
    default: 1024 * 1_048_576,
    min: 1024,
  },
  freeMaxStreams: { kind: 'int', env: 'ANCHORPOST_RELAY_PLAN_FREE_MAX_STREAMS', default: 50, min: 1 },
  freeMaxFileBytes: {
    kind: 'int',
    env: 'ANCHORPOST_RELAY_PLAN_FREE_MAX_FILE_BYTES',
    default: 1_048_576,
    min: 1024,
  },
  proFilesPerSecond: {
    kind: 'int',
    env: 'ANCHORPOST_RELAY_PLAN_PRO_FILES_PER_SECOND',
    default: 1_000,
    min: 1,
  },
  proBytesPerDay: {
    kind: 'int',
    env: 'ANCHORPOST_RELAY_PLAN_PRO_BYTES_PER_DAY',
    default: 100 * 1024 * 1_048_576,
    min: 1024,
  },
  proMaxStreams: { kind: 'int', env: 'ANCHORPOST_RELAY_PLAN_PRO_MAX_STREAMS', default: 1_000, min: 1 },
  proMaxFileBytes: {
    kind: 'int',
    env: 'ANCHORPOST_RELAY_PLAN_PRO_MAX_FILE_BYTES',
    default: 1_048_576,
    min: 1024,
  },
  /**
   * How long a subscription stream's lease lives unless its replica renews it (every third of
   * it): a replica that dies frees its tenants' stream slots within this time.
   */
  streamLeaseTtlMs: { kind: 'duration', env: 'ANCHORPOST_RELAY_STREAM_LEASE_TTL', default: 30_000 },
  /** How often usage counted in memory is added to the daily usage rows (and lost at most on a crash). */
  usageFlushMs: { kind: 'duration', env: 'ANCHORPOST_RELAY_USAGE_FLUSH_INTERVAL', default: 5_000 },
  /**
   * Tenants whose usage `/metrics` labels with their id (a bounded set the operator picks, e.g.
   * the paid ones); every other tenant is counted under `tenant="other"`.
   */
  metricsTenants: {
    kind: 'list',
    of: 'string',
    env: 'ANCHORPOST_RELAY_METRICS_TENANTS',
    pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/,
    default: [],
  },
  /**
   * PostgreSQL URL of the parser's index (batches and their entries) when it is kept apart from
   * the relay's database (ANCHORPOST_DATABASE_URL); unset: the same database. Only read, by the
   * usage report (which batch holds which of a tenant's files).
   */
  indexDatabaseUrl: {
    kind: 'url',
    env: 'ANCHORPOST_RELAY_INDEX_DATABASE_URL',
    protocols: ['postgresql:', 'postgres:'],
    optional: true,
    // It carries a password: never echoed.
    secret: true,
  },
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
  /**
   * The AnchorpostKeyRegistry (key transparency, docs/sponsor.md); set, a tx-file is accepted only
   * when its client key is an identity's current key there (`403 KEY_NOT_REGISTERED`), asked over
   * ANCHORPOST_EVM_RPC_URLS. Empty (the default): client keys need not be published.
   */
  keyRegistry: {
    kind: 'string',
    env: 'ANCHORPOST_RELAY_KEY_REGISTRY',
    default: '',
    pattern: /^(0x[0-9a-fA-F]{40})?$/,
  },
  /** With a key registry: the block it was deployed in, where its events start. */
  keyRegistryDeployBlock: {
    kind: 'int',
    env: 'ANCHORPOST_RELAY_KEY_REGISTRY_DEPLOY_BLOCK',
    default: 0,
    min: 0,
  },
  /**
   * With a key registry: how long a client key found current is not asked about again (so also
   * how late a revocation may take effect); a key not found is asked about on every file.
   */
  keyRegistryCacheMs: { kind: 'duration', env: 'ANCHORPOST_RELAY_KEY_REGISTRY_CACHE', default: 60_000 },
} as const;

export type RelayConfig = ConfigOf<typeof relayConfigSchema>;
