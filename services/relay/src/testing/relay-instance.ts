/**
 * Test helper: a real relay service in this process over the embedded adapters (PGlite, a
 * FileLogBus, Helia) in one temp folder, configured like the platform's (a tenants file naming the
 * tenant's client key, a relay key), with one tenant (`platform`) and its API key in a file.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFileLogBus } from '@anchorpost/bus';
import { createDatabase, EMBEDDED_POOL_SIZE, migrate, startEmbeddedPostgres } from '@anchorpost/db';
import type { Database } from '@anchorpost/db';
import { toPublicKeyFile } from '@anchorpost/protocol';
import type { PublicIdentity } from '@anchorpost/protocol';
import { generateRelayKey, loadRelayKey } from '@anchorpost/relay-core';
import { openRelay } from '../open-relay.ts';
import { relayConfigSchema } from '../relay-config.ts';
import { RELAY_METRICS } from '../relay-metrics.ts';
import { startRelayService } from '../relay-service.ts';
import { createLogger, loadConfig, ServiceMetrics } from '@anchorpost/service-kit';
import { openHeliaContentStore } from '@anchorpost/storage';

export interface RelayInstance {
  readonly url: string;
  readonly apiKeyFile: string;
  /** The relay's receipt key (SPKI PEM), to check its receipts with. */
  readonly relayKeyPem: string;
  /** The relay's own database: its receipts. */
  readonly database: Database;
  close(): Promise<void>;
}

export interface RelayInstanceOptions {
  /** ANCHORPOST_RELAY_CORS_ORIGINS: the page origins allowed to call it (default none). */
  readonly corsOrigins?: string;
  /** The API key's scopes (default `submit`). */
  readonly scopes?: readonly ('submit' | 'subscribe')[];
}

export async function startRelayInstance(
  client: PublicIdentity,
  options: RelayInstanceOptions = {},
): Promise<RelayInstance> {
  const dir = await mkdtemp(join(tmpdir(), 'anchorpost-relay-instance-'));
  const closers: (() => Promise<void>)[] = [() => rm(dir, { recursive: true, force: true })];
  const close = async () => {
    for (const closer of closers.reverse()) await closer();
  };
  try {
    const tenant = 'platform';
    await writeFile(
      join(dir, 'tenants.json'),
      JSON.stringify({ tenants: [{ id: tenant, clientKeys: [toPublicKeyFile(client)] }] }),
    );
    const relayKey = generateRelayKey();
    await writeFile(join(dir, 'relay-key.pem'), relayKey.pkcs8Pem, { mode: 0o600 });
    const config = loadConfig(relayConfigSchema, {
      ANCHORPOST_RELAY_HTTP_PORT: '0',
      ANCHORPOST_RELAY_GRPC_PORT: '0',
      ANCHORPOST_RELAY_MANAGEMENT_PORT: '0',
      ANCHORPOST_RELAY_PARTITIONS: '1',
      ANCHORPOST_RELAY_TENANTS_FILE: join(dir, 'tenants.json'),
      ANCHORPOST_RELAY_KEY_FILE: join(dir, 'relay-key.pem'),
      ANCHORPOST_RELAY_CORS_ORIGINS: options.corsOrigins ?? '',
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
    const logger = createLogger('relay', { destination: { write: () => undefined } });
    const metrics = new ServiceMetrics('relay', RELAY_METRICS);
    const relay = await openRelay({ config, bus, storage, database, metrics, logger });
    const service = await startRelayService({ config, relay, metrics, logger, handleSignals: false });
    closers.push(() => service.close());
    const { key } = await relay.administration.issueApiKey(tenant, [...(options.scopes ?? ['submit'])]);
    const apiKeyFile = join(dir, 'relay-api-key');
    await writeFile(apiKeyFile, `${key}\n`, { mode: 0o600 });
    const relayKeyPem = loadRelayKey(relayKey.pkcs8Der).publicKey.export({ format: 'pem', type: 'spki' });
    return { url: service.urls.http!, apiKeyFile, relayKeyPem: relayKeyPem.toString(), database, close };
  } catch (error) {
    await close();
    throw error;
  }
}
