/**
 * A real relay (relay-core's Relay on a file-log bus and Helia in a temp dir, in-memory receipts,
 * tenants in relay-core's in-memory TenantStore test double) behind the relay service's real gRPC
 * server, which a test can close and start again on the same port while the relay goes on: what
 * the SDK's gRPC subscription tests run against. One tenant, its client key the given identity's,
 * its API key allowed to submit and subscribe.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFileLogBus } from '@anchorpost/bus';
import { toPublicKeyFile, type PrivateIdentity } from '@anchorpost/protocol';
import {
  generateRelayKey,
  MemoryReceiptStore,
  Relay,
  TenantAccess,
  TenantAdministration,
} from '@anchorpost/relay-core';
import { MemoryTenantStore } from '@anchorpost/relay-core/testing';
import { startRelayGrpcServer, type RelayGrpcServer } from '@anchorpost/relay-service';
import { createLogger } from '@anchorpost/service-kit';
import { openHeliaContentStore } from '@anchorpost/storage';

export const TENANT = 'app';

export interface GrpcRelayStage {
  readonly relay: Relay;
  readonly administration: TenantAdministration;
  /** `host:port` of the gRPC server; the same after a restart. */
  readonly address: string;
  readonly apiKey: string;
  /** The relay's receipt key, public half (raw). */
  readonly relayPublicKey: Uint8Array;
  /** Subscribers the server dropped for not reading within the drain timeout. */
  readonly dropped: number;
  /** Closes the gRPC server (its subscriptions end UNAVAILABLE), waits `downMs`, starts it again. */
  restartGrpc(downMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** `drainTimeoutMs`: how long a write may wait for a subscriber to read before it is dropped. */
export async function startGrpcRelayStage(
  client: PrivateIdentity,
  drainTimeoutMs = 1_000,
): Promise<GrpcRelayStage> {
  const dir = await mkdtemp(join(tmpdir(), 'anchorpost-sdk-grpc-'));
  const bus = await openFileLogBus({ dir: join(dir, 'bus'), maxRecordBytes: 2 * 1024 * 1024 });
  const storage = await openHeliaContentStore({ dir: join(dir, 'storage') });
  const tenants = new MemoryTenantStore();
  const administration = new TenantAdministration(tenants);
  await administration.addTenant(TENANT);
  await administration.addClientKey(TENANT, toPublicKeyFile(client.public));
  const { key: apiKey } = await administration.issueApiKey(TENANT, ['submit', 'subscribe']);
  // TTL 0: a revoked key or entitlement is seen at once.
  const access = new TenantAccess({ store: tenants, cacheTtlMs: 0 });
  const relayKey = generateRelayKey();
  const relay = await Relay.open({
    bus,
    storage,
    receipts: new MemoryReceiptStore(),
    tenants: access,
    relayKey: relayKey.pkcs8Der,
    partitions: 4,
    pollIntervalMs: 20,
  });
  const logger = createLogger('relay', { destination: { write: () => undefined } });
  let dropped = 0;
  const streams = {
    // No limit of streams here (the relay's own tests have theirs).
    admission: { admit: () => ({ release: () => undefined }) },
    drainTimeoutMs,
    onDropped: () => {
      dropped += 1;
    },
  };
  const start = (port = 0) =>
    startRelayGrpcServer({ relay, access, logger, port, streams, shutdownTimeoutMs: 500 });
  let server: RelayGrpcServer = await start();
  const address = server.url;
  const port = Number(address.slice(address.lastIndexOf(':') + 1));
  return {
    relay,
    administration,
    address,
    apiKey,
    relayPublicKey: relayKey.publicKeyRaw,
    get dropped() {
      return dropped;
    },
    async restartGrpc(downMs = 300) {
      await server.close();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      server = await start(port);
    },
    async close() {
      await server.close();
      await relay.close();
      await bus.close();
      await storage.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
