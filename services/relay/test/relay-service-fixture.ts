// A relay service over the real embedded adapters in one temp folder (FileLogBus, Helia, PGlite),
// configured the way the platform does it: a tenants file (imported into the database on this
// first start), a key file and an admin key file; the tenant gets an API key through the
// administration, as an operator's `anchorpost tenant key new` would. Its database may be a real
// PostgreSQL instead, and its tenants the in-memory TenantStore test double, so that a test runs
// the same against each tenant store.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFileLogBus, type FileLogBus } from '@anchorpost/bus';
import {
  createDatabase,
  EMBEDDED_POOL_SIZE,
  migrate,
  startEmbeddedPostgres,
  type Database,
} from '@anchorpost/db';
import {
  buildTxFile,
  createGroup,
  generateIdentity,
  parseTxFile,
  serializeTxFile,
  toPublicKeyFile,
  type GroupKeys,
  type PrivateIdentity,
  type TxBlockchain,
} from '@anchorpost/protocol';
import { createTestDatabase } from '@anchorpost/db/testing';
import { buildLegacyTxFile, StateChains } from '@anchorpost/protocol/testing';
import { generateRelayKey, TenantAdministration, type InboundDelivery } from '@anchorpost/relay-core';
import { MemoryTenantStore } from '@anchorpost/relay-core/testing';
import { createLogger, loadConfig, ServiceMetrics, type RunningService } from '@anchorpost/service-kit';
import type { ElectionFactory } from '@anchorpost/leader-election';
import { openHeliaContentStore, type ContentStore, type HeliaContentStore } from '@anchorpost/storage';
import { openRelay } from '../src/open-relay.ts';
import { relayConfigSchema } from '../src/relay-config.ts';
import { startRelayService } from '../src/relay-service.ts';
import { RELAY_METRICS } from '../src/relay-metrics.ts';

export interface RelayServiceFixture {
  tenant: string;
  /** The tenant's API key (scopes submit and subscribe). */
  apiKey: string;
  /** `{ authorization: 'Bearer <apiKey>' }`, to spread into request headers. */
  auth: Record<string, string>;
  /** The operator's admin key (for the admin API at `service.urls.admin`). */
  adminKey: string;
  administration: TenantAdministration;
  /** The database every replica shares (to look at rows, or index batches as the parser would). */
  database: Database;
  /**
   * Another relay service (its own ports, its own tenants cache) over the same database, bus and
   * storage, as a second replica would be; closed with the fixture.
   */
  replica(env?: Record<string, string>, options?: ReplicaOptions): Promise<RunningService>;
  /** The bus every replica shares (to count what was published). */
  bus: FileLogBus;
  maxTxFileBytes: number;
  /** The relay's content store (to put a peer's tx-files where IPFS would have them). */
  storage: ContentStore;
  /** The relay's public key (for a batcher that checks its records). */
  relayPublicKey: Uint8Array;
  /** The relay's inbound delivery of peers' files (its loop runs too, at the configured interval). */
  inbound: InboundDelivery;
  service: RunningService;
  /** The tenant's registered client app, which signs `txFile`'s files. */
  app: PrivateIdentity;
  stranger: PrivateIdentity;
  /**
   * A fresh tx-file, to `group` (default: a new group) signed by the registered app (or `client`),
   * next in that client's state chain in the group.
   */
  txFile(
    text: string,
    group?: GroupKeys,
    client?: PrivateIdentity,
    blockchain?: TxBlockchain,
  ): Promise<Uint8Array>;
  /** A tx-file to `group` signed by the registered app at the chain position after `before` (for forks). */
  txFileAt(text: string, group: GroupKeys, before: string): Uint8Array;
  /** A v0.1 tx-file (signed the old way, over the after-state) by the registered app, to a new group. */
  legacyTxFile(text: string): Promise<Uint8Array>;
  /** The group a tx-file made by `txFile` was sent to. */
  groupOf(bytes: Uint8Array): GroupKeys;
  close(): Promise<void>;
}

const block = (height: number, fill: string) => ({ height, signature: fill.repeat(64) });
/** Made-up blocks: the fixture's relay checks no block ids unless given an Ergo node. */
const DEFAULT_BLOCKCHAIN: TxBlockchain = {
  lastblock: block(1_204_331, 'a'),
  trustedblock: block(1_204_321, 'b'),
};

export interface ReplicaOptions {
  /** The election of the replica that delivers peers' files; default: none (it always does). */
  inboundElection?: ElectionFactory;
}

export interface RelayServiceFixtureOptions extends ReplicaOptions {
  /**
   * A real PostgreSQL server (ANCHORPOST_TEST_POSTGRES_URL's admin URL): a fresh database on it,
   * where replicas' connections really run side by side. Default: an embedded PGlite.
   */
  postgresAdminUrl?: string;
  /** `memory`: tenants in the MemoryTenantStore test double instead of the database. */
  tenantStore?: 'database' | 'memory';
  /** The chain's RPC, for a relay that reads a key registry (ANCHORPOST_RELAY_KEY_REGISTRY). */
  evmRpc?: { rpcUrls: readonly string[] };
  /** Where files go (e.g. a Kubo daemon); default an embedded Helia store in the temp folder. */
  storage?: ContentStore;
  /** Where the relay's log lines (JSON, one each) go; default nowhere. */
  logLines?: string[];
}

/** `env`: more `ANCHORPOST_RELAY_*` settings (e.g. an Ergo node to check blocks on). */
export async function openRelayServiceFixture(
  env: Record<string, string> = {},
  options: RelayServiceFixtureOptions = {},
): Promise<RelayServiceFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'anchorpost-relay-service-'));
  const closers: (() => Promise<void>)[] = [() => rm(dir, { recursive: true, force: true })];
  const close = async () => {
    for (const closer of closers.reverse()) await closer();
  };
  try {
    const [app, sender, stranger] = await Promise.all([
      generateIdentity('modern'),
      generateIdentity('modern'),
      generateIdentity('modern'),
    ]);
    const tenant = 'acme';
    await writeFile(
      join(dir, 'tenants.json'),
      JSON.stringify({ tenants: [{ id: tenant, clientKeys: [toPublicKeyFile(app.public)] }] }),
    );
    await writeFile(join(dir, 'relay-key.pem'), generateRelayKey().pkcs8Pem, { mode: 0o600 });
    const adminKey = `adm_${randomBytes(32).toString('base64url')}`;
    await writeFile(join(dir, 'admin-key'), `${adminKey}\n`, { mode: 0o600 });
    const config = loadConfig(relayConfigSchema, {
      ANCHORPOST_RELAY_HTTP_PORT: '0',
      ANCHORPOST_RELAY_GRPC_PORT: '0',
      ANCHORPOST_RELAY_MANAGEMENT_PORT: '0',
      ANCHORPOST_RELAY_PARTITIONS: '4',
      ANCHORPOST_RELAY_TENANTS_FILE: join(dir, 'tenants.json'),
      ANCHORPOST_RELAY_KEY_FILE: join(dir, 'relay-key.pem'),
      ANCHORPOST_RELAY_ADMIN_KEY_FILE: join(dir, 'admin-key'),
      ANCHORPOST_RELAY_ADMIN_PORT: '0',
      ...env,
    });

    let databaseUrl: string;
    if (options.postgresAdminUrl === undefined) {
      const server = await startEmbeddedPostgres({ dataDir: join(dir, 'pg') });
      closers.push(() => server.stop());
      databaseUrl = server.databaseUrl;
    } else {
      const testDatabase = await createTestDatabase(options.postgresAdminUrl, 'anchorpost_relay_service');
      closers.push(() => testDatabase.drop());
      databaseUrl = testDatabase.databaseUrl;
    }
    await migrate(databaseUrl);
    const database: Database = createDatabase({
      databaseUrl,
      poolSize: options.postgresAdminUrl === undefined ? EMBEDDED_POOL_SIZE : 8,
    });
    closers.push(() => database.close());
    const bus: FileLogBus = await openFileLogBus({ dir: join(dir, 'bus'), maxRecordBytes: 2 * 1024 * 1024 });
    closers.push(() => bus.close());
    let storage: ContentStore;
    if (options.storage === undefined) {
      const helia: HeliaContentStore = await openHeliaContentStore({ dir: join(dir, 'storage') });
      closers.push(() => helia.close());
      storage = helia;
    } else {
      storage = options.storage;
    }

    const lines = options.logLines;
    const logger = createLogger('relay', {
      destination: { write: (line: string) => void lines?.push(line) },
    });
    const metrics = new ServiceMetrics('relay', RELAY_METRICS);
    const relay = await openRelay({
      config,
      bus,
      storage,
      database,
      metrics,
      logger,
      tenantStore: options.tenantStore === 'memory' ? new MemoryTenantStore() : undefined,
      evmRpc: options.evmRpc,
    });
    const service = await startRelayService({
      config,
      relay,
      metrics,
      logger,
      handleSignals: false,
      ...(options.inboundElection === undefined ? {} : { inboundElection: options.inboundElection }),
    });
    closers.push(() => service.close());
    const { key: apiKey } = await relay.administration.issueApiKey(tenant, ['submit', 'subscribe']);

    const groups = new Map<string, GroupKeys>();
    const chains = new StateChains();
    return {
      tenant,
      apiKey,
      auth: { authorization: `Bearer ${apiKey}` },
      adminKey,
      administration: relay.administration,
      database,
      storage,
      inbound: relay.inbound,
      relayPublicKey: relay.relay.publicKey,
      bus,
      async replica(more = {}, replicaOptions = {}) {
        const replicaConfig = loadConfig(relayConfigSchema, {
          ANCHORPOST_RELAY_HTTP_PORT: '0',
          ANCHORPOST_RELAY_GRPC_PORT: '0',
          ANCHORPOST_RELAY_MANAGEMENT_PORT: '0',
          ANCHORPOST_RELAY_PARTITIONS: '4',
          ANCHORPOST_RELAY_KEY_FILE: join(dir, 'relay-key.pem'),
          ...env,
          ...more,
        });
        // One registry for the relay's observers and the service, so that /metrics shows both.
        const replicaMetrics = new ServiceMetrics('relay', RELAY_METRICS);
        const opened = await openRelay({
          config: replicaConfig,
          bus,
          storage,
          database,
          metrics: replicaMetrics,
          logger,
        });
        const running = await startRelayService({
          config: replicaConfig,
          relay: opened,
          metrics: replicaMetrics,
          logger,
          handleSignals: false,
          ...replicaOptions,
        });
        closers.push(() => running.close());
        return running;
      },
      maxTxFileBytes: config.maxTxFileBytes,
      service,
      app,
      stranger,
      async txFile(text, group, client = app, blockchain = DEFAULT_BLOCKCHAIN) {
        const keys = group ?? (await createGroup('modern', [sender.public])).keys;
        const bytes = chains.buildBytes({
          group: keys,
          senders: [sender],
          client,
          blockchain,
          message: { data: new TextEncoder().encode(text) },
        });
        groups.set(parseTxFile(bytes).recipient.sha512hash, keys);
        return bytes;
      },
      txFileAt(text, group, before) {
        return serializeTxFile(
          buildTxFile({
            group,
            senders: [sender],
            client: app,
            before,
            blockchain: { lastblock: block(1_204_331, 'a'), trustedblock: block(1_204_321, 'b') },
            message: { data: new TextEncoder().encode(text) },
          }),
        );
      },
      async legacyTxFile(text) {
        return serializeTxFile(
          buildLegacyTxFile({
            group: (await createGroup('modern', [sender.public])).keys,
            senders: [sender],
            client: app,
            blockchain: { lastblock: block(1_204_331, 'a'), trustedblock: block(1_204_321, 'b') },
            message: { data: new TextEncoder().encode(text) },
          }),
        );
      },
      groupOf(bytes) {
        return groups.get(parseTxFile(bytes).recipient.sha512hash)!;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

export interface SseEvent {
  event: string;
  id: string;
  data: string;
}

/** A minimal SSE reader over node:http: `next()` resolves the next event. */
export function readSse(url: string, headers: Record<string, string> = {}) {
  const queue: SseEvent[] = [];
  const waiters: ((event: SseEvent) => void)[] = [];
  let buffer = '';
  const request = httpRequest(url, { headers: { accept: 'text/event-stream', ...headers } });
  request.on('response', (response) => {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event: SseEvent = { event: 'message', id: '', data: '' };
        let isComment = true;
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) continue;
          isComment = false;
          const colon = line.indexOf(': ');
          const [name, value] = colon === -1 ? [line, ''] : [line.slice(0, colon), line.slice(colon + 2)];
          if (name === 'event' || name === 'id' || name === 'data') event[name] = value;
        }
        if (isComment) continue;
        const waiter = waiters.shift();
        if (waiter) waiter(event);
        else queue.push(event);
      }
    });
  });
  request.on('error', () => undefined);
  request.end();
  return {
    next(): Promise<SseEvent> {
      const queued = queue.shift();
      if (queued) return Promise.resolve(queued);
      return new Promise<SseEvent>((resolve) => waiters.push(resolve));
    },
    close() {
      request.destroy();
    },
  };
}
