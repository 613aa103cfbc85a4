/**
 * A relay service over the real embedded adapters in one temp folder (FileLogBus, Helia, PGlite),
 * set up the way the test fixture and the platform do it (a tenants file and a key file), on
 * 127.0.0.1 with free ports. The bench also gets the open Relay and bus for its in-process baselines.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
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
import { generateIdentity, toPublicKeyFile, type PrivateIdentity } from '@anchorpost/protocol';
import { generateRelayKey, type Relay } from '@anchorpost/relay-core';
import { createLogger, loadConfig, ServiceMetrics, type RunningService } from '@anchorpost/service-kit';
import { openHeliaContentStore, type HeliaContentStore } from '@anchorpost/storage';
import { openRelay } from '../src/open-relay.ts';
import { relayConfigSchema } from '../src/relay-config.ts';
import { startRelayService } from '../src/relay-service.ts';
import { RELAY_METRICS } from '../src/relay-metrics.ts';

export interface BenchRelay {
  tenant: string;
  /** The tenant's API key (submit and subscribe), for the transports. */
  apiKey: string;
  /** The client app registered for `tenant`: it signs every bench tx-file. */
  app: PrivateIdentity;
  /** The receipt key the relay signs with (PKCS#8 PEM), for baseline records of the same size. */
  relayKeyPem: string;
  partitions: number;
  bus: FileLogBus;
  /** The relay's own storage and database, for the bench's per-component figures. */
  storage: HeliaContentStore;
  database: Database;
  relay: Relay;
  service: RunningService;
  httpUrl: string;
  grpcUrl: string;
  close(): Promise<void>;
}

export async function openBenchRelay(options: { checkThreads: number }): Promise<BenchRelay> {
  const dir = await mkdtemp(join(tmpdir(), 'anchorpost-relay-bench-'));
  const closers: (() => Promise<void>)[] = [() => rm(dir, { recursive: true, force: true })];
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      for (const closer of closers.reverse()) await closer();
    })());
  try {
    const app = await generateIdentity('modern');
    const tenant = 'acme';
    await writeFile(
      join(dir, 'tenants.json'),
      JSON.stringify({ tenants: [{ id: tenant, clientKeys: [toPublicKeyFile(app.public)] }] }),
    );
    const relayKeyPem = generateRelayKey().pkcs8Pem;
    await writeFile(join(dir, 'relay-key.pem'), relayKeyPem, { mode: 0o600 });
    const config = loadConfig(relayConfigSchema, {
      ANCHORPOST_RELAY_HOST: '127.0.0.1',
      ANCHORPOST_RELAY_HTTP_PORT: '0',
      ANCHORPOST_RELAY_GRPC_PORT: '0',
      ANCHORPOST_RELAY_PARTITIONS: '4',
      ANCHORPOST_RELAY_TENANTS_FILE: join(dir, 'tenants.json'),
      ANCHORPOST_RELAY_KEY_FILE: join(dir, 'relay-key.pem'),
      // The bench measures the relay, not the free plan's limits.
      ANCHORPOST_RELAY_PLAN_FREE_FILES_PER_SECOND: '1000000',
      ANCHORPOST_RELAY_CHECK_THREADS: String(options.checkThreads),
    });

    const server = await startEmbeddedPostgres({ dataDir: join(dir, 'pg') });
    closers.push(() => server.stop());
    await migrate(server.databaseUrl);
    const database = createDatabase({ databaseUrl: server.databaseUrl, poolSize: EMBEDDED_POOL_SIZE });
    closers.push(() => database.close());
    const bus = await openFileLogBus({ dir: join(dir, 'bus'), maxRecordBytes: 2 * 1024 * 1024 });
    closers.push(() => bus.close());
    const storage = await openHeliaContentStore({ dir: join(dir, 'storage') });
    closers.push(() => storage.close());

    // Logs off: a line per request would measure the log writer.
    const logger = createLogger('relay', { destination: { write: () => undefined } });
    const metrics = new ServiceMetrics('relay', RELAY_METRICS);
    const opened = await openRelay({ config, bus, storage, database, metrics, logger });
    const service = await startRelayService({ config, relay: opened, metrics, logger, handleSignals: false });
    closers.push(() => service.close());
    const { key: apiKey } = await opened.administration.issueApiKey(tenant, ['submit', 'subscribe']);

    const { http, grpc } = service.urls;
    if (http === undefined || grpc === undefined) throw new Error('the relay service gave no http/grpc url');
    return {
      tenant,
      apiKey,
      app,
      relayKeyPem,
      partitions: config.partitions,
      bus,
      storage,
      database,
      relay: opened.relay,
      service,
      httpUrl: http,
      grpcUrl: grpc,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
