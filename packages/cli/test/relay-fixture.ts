// A real relay service over the embedded adapters in one temp folder (FileLogBus, Helia, PGlite),
// configured like the platform (a tenants file, a key file), the way services/relay's own test
// fixture does it. Clients reach it through a TCP gate, so `restart()` can drop their connections:
// the service's close() waits for open SSE streams to end, and a subscriber never ends its own.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFileLogBus } from '@anchorpost/bus';
import { createDatabase, EMBEDDED_POOL_SIZE, migrate, startEmbeddedPostgres } from '@anchorpost/db';
import {
  createGroup,
  generateIdentity,
  groupPublicKeyBytes,
  hmacHex,
  parseTxFile,
  toPublicKeyFile,
  type GroupKeys,
  type PrivateIdentity,
} from '@anchorpost/protocol';
import { StateChains } from '@anchorpost/protocol/testing';
import { generateRelayKey, hashApiKeySecret, parseApiKey } from '@anchorpost/relay-core';
import { openRelay, RELAY_METRICS, relayConfigSchema, startRelayService } from '@anchorpost/relay-service';
import { createLogger, loadConfig, ServiceMetrics, type RunningService } from '@anchorpost/service-kit';
import { openHeliaContentStore } from '@anchorpost/storage';
import { startTcpGate } from '@anchorpost/service-kit/testing';

export interface RelayFixture {
  tenant: string;
  /** The tenant's API key (submit and subscribe); the tests hand it to the CLI as ANCHORPOST_API_KEY. */
  apiKey: string;
  /** The relay's admin API and the file holding its admin key. */
  adminUrl: string;
  adminKeyFile: string;
  /** The relay's HTTP base URL, through the gate (the same across restarts). */
  url: string;
  /** The raw Ed25519 public key that signs the receipts. */
  relayPublicKey: Uint8Array;
  /**
   * A fresh group to send to, registered for the tenant (as an operator would for members that
   * only receive) so that a subscriber may listen before the first file; `register` false leaves
   * the tenant unentitled until it sends there.
   */
  group(register?: boolean): Promise<GroupKeys>;
  /** The identity that sends `txFile`'s files (a member of every `group()`). */
  sender: PrivateIdentity;
  /** A fresh tx-file to `group`, signed by the tenant's registered client key, next in its state chain. */
  txFile(text: string, group: GroupKeys): Uint8Array;
  recipientHash(bytes: Uint8Array): string;
  /**
   * Lets `apiKey` (issued elsewhere, e.g. by the sponsor's test stage) act for the tenant here, as
   * one database of tenants would for a relay and a sponsor in a deployment.
   */
  admitApiKey(apiKey: string): Promise<void>;
  /** Submits straight to the Relay (not over HTTP), e.g. while the service is down. */
  submit(bytes: Uint8Array): Promise<void>;
  /** Accepts a file as the relay's inbound delivery does for one from peer `origin` (ADR 0031). */
  submitInbound(bytes: Uint8Array, origin: string): Promise<void>;
  /** Open SSE subscriptions, from the service's own gauge. */
  openSubscriptions(): Promise<number>;
  /**
   * Drops every client connection and refuses new ones, closes the relay service, runs `between`,
   * starts the service again on the same port and lets clients in again.
   */
  restart(between?: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

const block = (height: number, fill: string) => ({ height, signature: fill.repeat(64) });

export async function openRelayFixture(): Promise<RelayFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'anchorpost-cli-relay-'));
  const closers: (() => Promise<void>)[] = [() => rm(dir, { recursive: true, force: true })];
  const close = async () => {
    for (const closer of closers.reverse()) await closer();
  };
  try {
    const [app, sender] = await Promise.all([generateIdentity('modern'), generateIdentity('modern')]);
    const tenant = 'acme';
    await writeFile(
      join(dir, 'tenants.json'),
      JSON.stringify({ tenants: [{ id: tenant, clientKeys: [toPublicKeyFile(app.public)] }] }),
    );
    const relayKey = generateRelayKey();
    await writeFile(join(dir, 'relay-key.pem'), relayKey.pkcs8Pem, { mode: 0o600 });
    const adminKeyFile = join(dir, 'admin-key');
    await writeFile(adminKeyFile, `adm_${'k'.repeat(40)}\n`, { mode: 0o600 });
    const config = loadConfig(relayConfigSchema, {
      ANCHORPOST_RELAY_HTTP_PORT: '0',
      ANCHORPOST_RELAY_GRPC_PORT: '0',
      ANCHORPOST_RELAY_MANAGEMENT_PORT: '0',
      ANCHORPOST_RELAY_PARTITIONS: '2',
      ANCHORPOST_RELAY_TENANTS_FILE: join(dir, 'tenants.json'),
      ANCHORPOST_RELAY_KEY_FILE: join(dir, 'relay-key.pem'),
      ANCHORPOST_RELAY_ADMIN_KEY_FILE: adminKeyFile,
      ANCHORPOST_RELAY_ADMIN_PORT: '0',
      // Every read goes to the database: a revocation shows at once.
      ANCHORPOST_RELAY_TENANTS_CACHE_TTL: '0ms',
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
    closers.push(() => relay.relay.close());
    // The service closes the relay it runs on; here one relay outlives the service's restarts
    // (a file is submitted to it while no service runs), so the service gets one it cannot close.
    const outliving = {
      ...relay,
      relay: new Proxy(relay.relay, {
        get: (target, key) =>
          key === 'close'
            ? () => Promise.resolve()
            : (Reflect.get(target, key, target) as unknown) instanceof Function
              ? (Reflect.get(target, key, target) as (...args: unknown[]) => unknown).bind(target)
              : (Reflect.get(target, key, target) as unknown),
      }),
    };
    let service: RunningService = await startRelayService({
      config,
      relay: outliving,
      metrics,
      logger,
      handleSignals: false,
    });
    closers.push(() => service.close());
    const { key: apiKey } = await relay.administration.issueApiKey(tenant, ['submit', 'subscribe']);
    const port = Number(new URL(service.urls.http!).port);
    const gate = await startTcpGate('127.0.0.1', port);
    closers.push(() => gate.stop());
    const url = `http://${gate.address}`;

    const chains = new StateChains();
    return {
      tenant,
      apiKey,
      adminUrl: service.urls.admin!,
      adminKeyFile,
      url,
      relayPublicKey: relayKey.publicKeyRaw,
      sender,
      async group(register = true) {
        const { keys } = await createGroup('modern', [sender.public]);
        if (register) {
          const hash = hmacHex(keys.secret, groupPublicKeyBytes(keys.suite, keys.publicKey));
          await relay.administration.registerRecipient(tenant, hash);
        }
        return keys;
      },
      txFile(text, group) {
        return chains.buildBytes({
          group,
          senders: [sender],
          client: app,
          blockchain: { lastblock: block(1_204_331, 'a'), trustedblock: block(1_204_321, 'b') },
          message: { data: new TextEncoder().encode(text) },
        });
      },
      recipientHash(bytes) {
        return parseTxFile(bytes).recipient.sha512hash;
      },
      async submit(bytes) {
        await relay.relay.submit(bytes, { tenantId: tenant });
      },
      async submitInbound(bytes, origin) {
        await relay.relay.acceptInbound(bytes, origin);
      },
      async admitApiKey(key) {
        const parsed = parseApiKey(key);
        if (parsed === null) throw new Error('not an API key');
        const secretHash = hashApiKeySecret(parsed.secret);
        await database.prisma.apiKey.create({
          data: { id: parsed.id, tenantId: tenant, secretHash, scopes: ['submit'] },
        });
      },
      async openSubscriptions() {
        const text = await (await fetch(`${service.urls.management!}/metrics`)).text();
        const match = /^anchorpost_relay_open_subscriptions\{transport="sse"\} (\d+)$/m.exec(text);
        return match ? Number(match[1]) : 0;
      },
      async restart(between) {
        await gate.close();
        await service.close();
        await between?.();
        // A fresh metrics registry: the old one still holds the closed service's collectors.
        service = await startRelayService({
          config: { ...config, httpPort: port },
          relay: outliving,
          logger,
          handleSignals: false,
        });
        await gate.open();
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
