// The environment of each process of the cluster, from the servers' addresses and the files it
// wrote: a pure function, so that a fast test can check it against the services' settings
// schemas without starting anything.
import type { ServiceName } from './service-process.ts';

/** Settings for a fast, bounded run: short batches, few confirmations, quick polls. */
export const FAST: Readonly<Record<string, string>> = {
  ANCHORPOST_BATCH_INTERVAL: '2s',
  ANCHORPOST_BATCH_MAX_FILES: '200',
  ANCHORPOST_EVM_CONFIRMATIONS: '2',
  ANCHORPOST_EVM_CHAIN_ID: '31337',
  ANCHORPOST_ANCHORER_TICK_INTERVAL: '500ms',
  ANCHORPOST_ANCHORER_MAX_TICK_BACKOFF: '5s',
  ANCHORPOST_ANCHORER_MAX_CONSUME_BACKOFF: '5s',
  ANCHORPOST_PARSER_TRUSTED_DEPTH: '3',
  ANCHORPOST_PARSER_POLL_INTERVAL: '500ms',
  ANCHORPOST_PARSER_MAX_FAILURE_DELAY: '5s',
  ANCHORPOST_STORAGE_TIMEOUT_MS: '10000',
  ANCHORPOST_DATABASE_POOL_SIZE: '4',
};

export interface ClusterSetup {
  readonly dataDir: string;
  readonly kafkaBrokers: string;
  readonly kuboUrl: string;
  readonly evmRpcUrl: string;
  readonly contractAddress: string;
  readonly deployBlock: number;
  readonly submitter: string;
  readonly stateDatabaseUrl: string;
  readonly indexDatabaseUrl: string;
  readonly tenantsFile: string;
  readonly relayKeyFile: string;
  /** The relays' receipt public key, hex. */
  readonly relayPublicKey: string;
  readonly signerKeyFile: string;
  /** HTTP and gRPC ports of each relay (`relay-a`, `relay-b`, …). */
  readonly relayPorts: readonly { http: number; grpc: number }[];
  readonly ports: Readonly<Record<Exclude<ServiceName, 'relay'>, number>>;
  /** Extra settings for every service. */
  readonly env?: Readonly<Record<string, string>>;
  /** The Ergo node test double the platform anchors on too, when there is one. */
  readonly ergo?: ClusterErgo;
}

export interface ClusterErgo {
  readonly url: string;
  /** ANCHORPOST_ERGO_* as `anchorpost ergo mint-marker` printed them, and the wallet's file. */
  readonly env: Readonly<Record<string, string>>;
  /** The relays check the blocks each file names on the node (the files must name real ones). */
  readonly relayChecksBlocks: boolean;
}

/** The wallet's secret is the anchorer's alone; the other Ergo settings are everyone's. */
const ERGO_WALLET = 'ANCHORPOST_ERGO_MNEMONIC_FILE';

function ergoCommon(ergo: ClusterErgo | undefined): Record<string, string> {
  if (ergo === undefined) return {};
  return Object.fromEntries(Object.entries(ergo.env).filter(([name]) => name !== ERGO_WALLET));
}

function relayErgo(ergo: ClusterErgo | undefined): Record<string, string> {
  if (ergo?.relayChecksBlocks !== true) return {};
  return {
    ANCHORPOST_RELAY_ERGO_NODE_URL: ergo.url,
    ANCHORPOST_RELAY_ERGO_NETWORK: ergo.env.ANCHORPOST_ERGO_NETWORK ?? 'testnet',
    // The double mines a block every few hundred ms: a day of mainnet blocks passes in minutes.
    ANCHORPOST_RELAY_TRUSTEDBLOCK_MAX_AGE: '1000000',
  };
}

export interface ClusterInstance {
  readonly name: string;
  readonly service: ServiceName;
  readonly port: number;
  /** Its own settings, on top of the common ones. */
  readonly env: Readonly<Record<string, string>>;
}

/** What every process gets: the shared servers and the fast settings. */
export function commonEnvironment(setup: ClusterSetup): Record<string, string> {
  return {
    ANCHORPOST_DATA_DIR: setup.dataDir,
    ANCHORPOST_KAFKA_BROKERS: setup.kafkaBrokers,
    ANCHORPOST_STORAGE: 'kubo',
    ANCHORPOST_KUBO_URL: setup.kuboUrl,
    ANCHORPOST_EVM_RPC_URLS: setup.evmRpcUrl,
    ANCHORPOST_EVM_ANCHOR_CONTRACT: setup.contractAddress,
    ANCHORPOST_EVM_DEPLOY_BLOCK: String(setup.deployBlock),
    ...FAST,
    ...ergoCommon(setup.ergo),
    ...setup.env,
  };
}

const BUS_USERS: ReadonlySet<ServiceName> = new Set(['relay', 'batcher', 'anchorer']);

/** The processes, relays first (they create the topics the others read). */
export function clusterInstances(setup: ClusterSetup): ClusterInstance[] {
  const instance = (name: string, service: ServiceName, port: number, env: Record<string, string>) => ({
    name,
    service,
    port,
    // Only the bus's users have a Kafka client to name.
    env: BUS_USERS.has(service) ? { ANCHORPOST_KAFKA_CLIENT_ID: `anchorpost-${name}`, ...env } : env,
  });
  const { ports } = setup;
  return [
    ...setup.relayPorts.map(({ http, grpc }, i) =>
      instance(`relay-${String.fromCharCode(97 + i)}`, 'relay', http, {
        ANCHORPOST_DATABASE_URL: setup.stateDatabaseUrl,
        // The usage report looks up which batch holds a tenant's files in the parser's index.
        ANCHORPOST_RELAY_INDEX_DATABASE_URL: setup.indexDatabaseUrl,
        ANCHORPOST_RELAY_HTTP_PORT: String(http),
        ANCHORPOST_RELAY_GRPC_PORT: String(grpc),
        // Two relays on one machine: their management listeners take free ports.
        ANCHORPOST_RELAY_MANAGEMENT_PORT: '0',
        ANCHORPOST_RELAY_TENANTS_FILE: setup.tenantsFile,
        ANCHORPOST_RELAY_KEY_FILE: setup.relayKeyFile,
        ...relayErgo(setup.ergo),
      }),
    ),
    instance('batcher', 'batcher', ports.batcher, {
      ANCHORPOST_BATCHER_PORT: String(ports.batcher),
      ANCHORPOST_BATCHER_MANAGEMENT_PORT: '0',
      // The relays share one receipt key: the batcher seals only what it signed.
      ANCHORPOST_BATCHER_RELAY_PUBLIC_KEYS: setup.relayPublicKey,
    }),
    instance('anchorer', 'anchorer', ports.anchorer, {
      ANCHORPOST_DATABASE_URL: setup.stateDatabaseUrl,
      ANCHORPOST_ANCHORER_PORT: String(ports.anchorer),
      ANCHORPOST_ANCHORER_MANAGEMENT_PORT: '0',
      ANCHORPOST_EVM_SIGNER_KEY_FILE: setup.signerKeyFile,
      ...(setup.ergo?.env[ERGO_WALLET] === undefined ? {} : { [ERGO_WALLET]: setup.ergo.env[ERGO_WALLET] }),
    }),
    instance('parser', 'parser', ports.parser, {
      ANCHORPOST_DATABASE_URL: setup.indexDatabaseUrl,
      ANCHORPOST_PARSER_PORT: String(ports.parser),
      ANCHORPOST_PARSER_MANAGEMENT_PORT: '0',
    }),
    instance('proof-api', 'proof-api', ports['proof-api'], {
      ANCHORPOST_DATABASE_URL: setup.indexDatabaseUrl,
      ANCHORPOST_PROOF_API_RECEIPTS_DATABASE_URL: setup.stateDatabaseUrl,
      ANCHORPOST_PROOF_API_PORT: String(ports['proof-api']),
      ANCHORPOST_PROOF_API_MANAGEMENT_PORT: '0',
      // Its published trust roots: the contract (common) and the anchorer's key.
      ANCHORPOST_EVM_ANCHOR_SUBMITTERS: setup.submitter,
    }),
  ];
}
