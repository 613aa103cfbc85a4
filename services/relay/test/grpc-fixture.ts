// A real Relay (FileLogBus and Helia in a temp dir, in-memory receipts, tenants in the in-memory
// TenantStore test double) behind the real gRPC server, and a grpc-js client over the same .proto
// files, with typed promise helpers, calling with the tenant's API key unless told otherwise.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Client, credentials, Metadata } from '@grpc/grpc-js';
import type {
  ChannelCredentials,
  ClientDuplexStream,
  ClientReadableStream,
  ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import type { MethodDefinition, ServiceDefinition } from '@grpc/proto-loader';
import { service as healthService } from 'grpc-health-check';
import { openFileLogBus } from '@anchorpost/bus';
import type { FileLogBus } from '@anchorpost/bus';
import {
  buildTxFile,
  createGroup,
  generateIdentity,
  serializeTxFile,
  toPublicKeyFile,
} from '@anchorpost/protocol';
import type { GroupKeys, PrivateIdentity } from '@anchorpost/protocol';
import { buildLegacyTxFile, StateChains } from '@anchorpost/protocol/testing';
import {
  generateRelayKey,
  MemoryReceiptStore,
  Relay,
  TenantAccess,
  TenantAdministration,
} from '@anchorpost/relay-core';
import { MemoryTenantStore } from '@anchorpost/relay-core/testing';
import { createLogger, ServiceMetrics } from '@anchorpost/service-kit';
import { openHeliaContentStore } from '@anchorpost/storage';
import type { HeliaContentStore } from '@anchorpost/storage';
import { loadRelayProto, RELAY_SERVICE_NAME } from '../src/grpc/relay-proto.ts';
import { startRelayGrpcServer } from '../src/grpc/relay-grpc-server.ts';
import type { RelayGrpcServer, RelayGrpcServerOptions } from '../src/grpc/relay-grpc-server.ts';
import type { RelayCalls } from '../src/grpc/relay-grpc-service.ts';
import { RELAY_METRICS } from '../src/relay-metrics.ts';

export const TENANT = 'acme';

type Method = MethodDefinition<object, object>;

/** One client for the relay, health and reflection services (all on the server's one port). */
export class GrpcTestClient {
  readonly #client: Client;
  readonly #methods: Record<string, Method>;

  readonly #authorization: string | undefined;

  /**
   * `apiKey`: sent as `authorization: Bearer <it>` on every call whose metadata has none;
   * `channel`: TLS credentials (default plaintext).
   */
  constructor(url: string, apiKey?: string, channel: ChannelCredentials = credentials.createInsecure()) {
    this.#authorization = apiKey === undefined ? undefined : `Bearer ${apiKey}`;
    this.#client = new Client(url, channel);
    const relay = loadRelayProto()[RELAY_SERVICE_NAME] as ServiceDefinition;
    const reflectionProto = fileURLToPath(
      new URL('../proto/grpc/reflection/v1/reflection.proto', import.meta.resolve('@grpc/reflection')),
    );
    const reflection = loadSync(reflectionProto, { keepCase: true })[
      'grpc.reflection.v1.ServerReflection'
    ] as ServiceDefinition;
    this.#methods = {
      ...(relay as Record<string, Method>),
      HealthCheck: (healthService as Record<string, Method>).Check!,
      ServerReflectionInfo: (reflection as Record<string, Method>).ServerReflectionInfo!,
    };
  }

  #metadata(given = new Metadata()): Metadata {
    if (this.#authorization !== undefined && given.get('authorization').length === 0) {
      given.set('authorization', this.#authorization);
    }
    return given;
  }

  #method(name: string): Method {
    const method = this.#methods[name];
    if (method === undefined) throw new Error(`no method ${name}`);
    return method;
  }

  unary<Res>(name: string, request: object, metadata = new Metadata()): Promise<Res> {
    const method = this.#method(name);
    return new Promise((resolve, reject) => {
      this.#client.makeUnaryRequest(
        method.path,
        method.requestSerialize,
        method.responseDeserialize,
        request,
        this.#metadata(metadata),
        (error: ServiceError | null, response?: object) => {
          if (error) reject(error);
          else resolve(response as Res);
        },
      );
    });
  }

  serverStream(name: string, request: object, metadata?: Metadata): ClientReadableStream<object> {
    const method = this.#method(name);
    return this.#client.makeServerStreamRequest(
      method.path,
      method.requestSerialize,
      method.responseDeserialize,
      request,
      this.#metadata(metadata),
    );
  }

  bidi(name: string, metadata?: Metadata): ClientDuplexStream<object, object> {
    const method = this.#method(name);
    return this.#client.makeBidiStreamRequest(
      method.path,
      method.requestSerialize,
      method.responseDeserialize,
      this.#metadata(metadata),
    );
  }

  close(): void {
    this.#client.close();
  }
}

export interface GrpcFixture {
  relay: Relay;
  /** The tenant's API key (scopes submit and subscribe), which `client` sends. */
  apiKey: string;
  administration: TenantAdministration;
  server: RelayGrpcServer;
  client: GrpcTestClient;
  metrics: ServiceMetrics;
  /** JSON log lines written so far. */
  logs: Record<string, unknown>[];
  app: PrivateIdentity;
  sender: PrivateIdentity;
  group: GroupKeys;
  /** A fresh tx-file to `group`, signed by the registered client app, next in its state chain. */
  txFile(text?: string, group?: GroupKeys): Uint8Array;
  /** A tx-file to `group` signed by the registered app at the chain position after `before` (for forks). */
  txFileAt(text: string, group: GroupKeys, before: string): Uint8Array;
  /** A v0.1 tx-file (signed the old way, over the after-state) by the registered app, to a new group. */
  legacyTxFile(text: string): Promise<Uint8Array>;
  newGroup(): Promise<GroupKeys>;
  close(): Promise<void>;
}

const block = (height: number, fill: string) => ({ height, signature: fill.repeat(64) });

export async function openGrpcFixture(
  options: Partial<RelayGrpcServerOptions> = {},
  /** What the server is given instead of the relay itself, e.g. a wrapper that watches calls. */
  serve: (relay: Relay) => RelayCalls = (relay) => relay,
): Promise<GrpcFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'anchorpost-relay-grpc-'));
  let bus: FileLogBus | undefined;
  let storage: HeliaContentStore | undefined;
  let server: RelayGrpcServer | undefined;
  let client: GrpcTestClient | undefined;
  const close = async (): Promise<void> => {
    client?.close();
    await server?.close();
    await bus?.close();
    await storage?.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const [app, sender] = await Promise.all([generateIdentity('modern'), generateIdentity('modern')]);
    bus = await openFileLogBus({ dir: join(dir, 'bus'), maxRecordBytes: 2 * 1024 * 1024 });
    storage = await openHeliaContentStore({ dir: join(dir, 'storage') });
    const tenantStore = new MemoryTenantStore();
    const administration = new TenantAdministration(tenantStore);
    await administration.addTenant(TENANT);
    await administration.addClientKey(TENANT, toPublicKeyFile(app.public));
    const { key: apiKey } = await administration.issueApiKey(TENANT, ['submit', 'subscribe']);
    // TTL 0: a test's change is seen at once.
    const access = new TenantAccess({ store: tenantStore, cacheTtlMs: 0 });
    const relay = await Relay.open({
      bus,
      storage,
      receipts: new MemoryReceiptStore(),
      tenants: access,
      relayKey: generateRelayKey().pkcs8Der,
      partitions: 4,
      pollIntervalMs: 20,
      // The same limit for the relay and the server, as the service passes its one config value.
      ...(options.maxTxFileBytes === undefined ? {} : { maxTxFileBytes: options.maxTxFileBytes }),
    });
    const logs: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n')) {
          if (line !== '') logs.push(JSON.parse(line) as Record<string, unknown>);
        }
        done();
      },
    });
    const logger = createLogger('relay', { destination });
    const metrics = new ServiceMetrics('relay', RELAY_METRICS);
    server = await startRelayGrpcServer({ relay: serve(relay), access, logger, metrics, ...options });
    client = new GrpcTestClient(server.url, apiKey);
    const newGroup = async (): Promise<GroupKeys> => (await createGroup('modern', [sender.public])).keys;
    const group = await newGroup();
    const chains = new StateChains();
    const txFile = (text = 'hi', to: GroupKeys = group): Uint8Array =>
      chains.buildBytes({
        group: to,
        senders: [sender],
        client: app,
        blockchain: { lastblock: block(1_204_331, 'a'), trustedblock: block(1_204_321, 'b') },
        message: { data: new TextEncoder().encode(text) },
      });
    const txFileAt = (text: string, to: GroupKeys, before: string): Uint8Array =>
      serializeTxFile(
        buildTxFile({
          group: to,
          senders: [sender],
          client: app,
          before,
          blockchain: { lastblock: block(1_204_331, 'a'), trustedblock: block(1_204_321, 'b') },
          message: { data: new TextEncoder().encode(text) },
        }),
      );
    const legacyTxFile = async (text: string): Promise<Uint8Array> =>
      serializeTxFile(
        buildLegacyTxFile({
          group: await newGroup(),
          senders: [sender],
          client: app,
          blockchain: { lastblock: block(1_204_331, 'a'), trustedblock: block(1_204_321, 'b') },
          message: { data: new TextEncoder().encode(text) },
        }),
      );
    return {
      relay,
      apiKey,
      administration,
      server,
      client,
      metrics,
      logs,
      app,
      sender,
      group,
      txFile,
      txFileAt,
      legacyTxFile,
      newGroup,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The trailers of a failed call as a plain object. */
export function trailers(error: ServiceError): Record<string, unknown> {
  return error.metadata.getMap();
}
