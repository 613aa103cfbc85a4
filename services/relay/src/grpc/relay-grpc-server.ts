/**
 * The relay's gRPC server: `anchorpost.relay.v1.RelayService`, the standard health service
 * (`grpc.health.v1.Health`) and server reflection, on one port, over TLS, mTLS or plaintext
 * (grpc-credentials.ts).
 */
import { Server, ServerCredentials, status } from '@grpc/grpc-js';
import type { ChannelOptions, ServiceDefinition } from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import { RELAY_DEFAULTS } from '@anchorpost/relay-core';
import type { Logger, ServiceMetrics } from '@anchorpost/service-kit';
import { relayConfigSchema } from '../relay-config.ts';
import type { OpenTenantStream } from '../tenant-streams.ts';
import type { CallerCheck, GrpcCallOptions, StreamBounds } from './grpc-call.ts';
import { relayGrpcService } from './relay-grpc-service.ts';
import type { RelayCalls } from './relay-grpc-service.ts';
import { loadRelayProto, RELAY_SERVICE_NAME } from './relay-proto.ts';
import { RELAY_METRICS } from '../relay-metrics.ts';

export interface RelayGrpcServerOptions {
  /** A Relay (only submit, subscribe and getReceipt are called). */
  relay: RelayCalls;
  /** Authenticates every call but GetReceipt (a TenantAccess). */
  access: CallerCheck;
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 (the default): any free port. */
  port?: number;
  logger: Logger;
  /** Gets `anchorpost_<service>_grpc_requests_total{method,code}`; one server per registry. */
  metrics?: ServiceMetrics;
  /** The relay's `maxTxFileBytes`, when configured; sets the default `maxReceiveMessageBytes`. */
  maxTxFileBytes?: number;
  /**
   * Largest request message: grpc-js refuses a larger one (RESOURCE_EXHAUSTED) before handing it
   * over. Default: `maxTxFileBytes` (default the relay's 1 MiB) + 64 KiB for the other fields.
   */
  maxReceiveMessageBytes?: number;
  /** Takes a stream slot of the tenant per Subscribe and counts its usage; without it, no stream quota. */
  openStream?: OpenTenantStream;
  /** Where StoreKeyFile stores key files; without it, StoreKeyFile is UNIMPLEMENTED. */
  keyFiles?: GrpcCallOptions['keyFiles'];
  /** How long close() lets calls finish before cancelling them. Default 5000 ms. */
  shutdownTimeoutMs?: number;
  /** Transport security (grpcSecurity); default plaintext, as a test on loopback wants it. */
  credentials?: ServerCredentials;
  /** Subscribe's limits (see GrpcCallOptions). */
  streams?: StreamBounds;
  /** Keepalive and per-connection limits. Default: the `ANCHORPOST_RELAY_GRPC_*` defaults. */
  connections?: Partial<GrpcConnectionOptions>;
}

/** What the server does with connections (see relay-config.ts for each). */
export interface GrpcConnectionOptions {
  keepaliveTimeMs: number;
  keepaliveTimeoutMs: number;
  maxConnectionIdleMs: number;
  maxConcurrentStreams: number;
}

const CONNECTION_DEFAULTS: GrpcConnectionOptions = {
  keepaliveTimeMs: relayConfigSchema.grpcKeepaliveTimeMs.default,
  keepaliveTimeoutMs: relayConfigSchema.grpcKeepaliveTimeoutMs.default,
  maxConnectionIdleMs: relayConfigSchema.grpcMaxConnectionIdleMs.default,
  maxConcurrentStreams: relayConfigSchema.grpcMaxConcurrentStreams.default,
};

/** grpc-js's channel options for `connections`. */
function serverOptions(connections: GrpcConnectionOptions, maxReceiveMessageBytes: number): ChannelOptions {
  return {
    'grpc.max_receive_message_length': maxReceiveMessageBytes,
    'grpc.keepalive_time_ms': connections.keepaliveTimeMs,
    'grpc.keepalive_timeout_ms': connections.keepaliveTimeoutMs,
    'grpc.max_connection_idle_ms': connections.maxConnectionIdleMs,
    'grpc.max_concurrent_streams': connections.maxConcurrentStreams,
  };
}

export interface RelayGrpcServer {
  /** `host:port`, for a gRPC client target. */
  url: string;
  /** Health NOT_SERVING, open subscriptions end, calls get `shutdownTimeoutMs` to finish. Idempotent. */
  close(): Promise<void>;
}

/** Room for the request's other fields (tenant id, framing) next to the largest tx-file. */
const ENVELOPE_BYTES = 64 * 1024;

export async function startRelayGrpcServer(options: RelayGrpcServerOptions): Promise<RelayGrpcServer> {
  const { relay, logger, metrics } = options;
  const host = options.host ?? '127.0.0.1';
  const maxReceiveMessageBytes =
    options.maxReceiveMessageBytes ??
    (options.maxTxFileBytes ?? RELAY_DEFAULTS.maxTxFileBytes) + ENVELOPE_BYTES;
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 5_000;

  const requests = metrics?.counter(
    RELAY_METRICS.grpcRequestsTotal,
    'gRPC calls by method and final status code',
    ['method', 'code'],
  );
  const definition = loadRelayProto();
  const connections = { ...CONNECTION_DEFAULTS, ...options.connections };
  const service = relayGrpcService({
    relay,
    access: options.access,
    logger,
    ...(options.openStream === undefined ? {} : { openStream: options.openStream }),
    ...(options.keyFiles === undefined ? {} : { keyFiles: options.keyFiles }),
    ...(options.streams === undefined ? {} : { streams: options.streams }),
    onCallEnd(method, code) {
      requests?.inc({ method, code: status[code] });
    },
  });
  const health = new HealthImplementation({ '': 'SERVING', [RELAY_SERVICE_NAME]: 'SERVING' });

  const server = new Server(serverOptions(connections, maxReceiveMessageBytes));
  server.addService(definition[RELAY_SERVICE_NAME] as ServiceDefinition, service.implementation);
  health.addToServer(server);
  new ReflectionService(definition).addToServer(server);

  const port = await new Promise<number>((resolve, reject) => {
    const credentials = options.credentials ?? ServerCredentials.createInsecure();
    server.bindAsync(`${host}:${options.port ?? 0}`, credentials, (error, bound) => {
      if (error === null) resolve(bound);
      else reject(error);
    });
  });
  const url = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info({ url, maxReceiveMessageBytes, ...connections }, 'gRPC server listening');

  let closing: Promise<void> | undefined;
  async function shutdown(): Promise<void> {
    health.setStatus('', 'NOT_SERVING');
    health.setStatus(RELAY_SERVICE_NAME, 'NOT_SERVING');
    service.endSubscriptions();
    const finished = new Promise<void>((resolve) => {
      server.tryShutdown(() => {
        resolve();
      });
    });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => {
        resolve('late');
      }, shutdownTimeoutMs);
    });
    if ((await Promise.race([finished, late])) === 'late') {
      logger.warn({ shutdownTimeoutMs }, 'gRPC calls still open at shutdown: cancelled');
      server.forceShutdown();
    }
    clearTimeout(timer);
    logger.info({ url }, 'gRPC server closed');
  }

  return {
    url,
    close() {
      closing ??= shutdown();
      return closing;
    },
  };
}
