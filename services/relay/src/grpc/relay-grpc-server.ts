/**
 * The relay's gRPC server: `anchorpost.relay.v1.RelayService`, the standard health service
 * (`grpc.health.v1.Health`) and server reflection, on one port.
 */
import { Server, ServerCredentials, status } from '@grpc/grpc-js';
import type { ServiceDefinition } from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import { RELAY_DEFAULTS } from '@anchorpost/relay-core';
import type { Logger, ServiceMetrics } from '@anchorpost/service-kit';
import type { CallerCheck } from './grpc-call.ts';
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
  /** How long close() lets calls finish before cancelling them. Default 5000 ms. */
  shutdownTimeoutMs?: number;
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
  const service = relayGrpcService({
    relay,
    access: options.access,
    logger,
    onCallEnd(method, code) {
      requests?.inc({ method, code: status[code] });
    },
  });
  const health = new HealthImplementation({ '': 'SERVING', [RELAY_SERVICE_NAME]: 'SERVING' });

  const server = new Server({ 'grpc.max_receive_message_length': maxReceiveMessageBytes });
  server.addService(definition[RELAY_SERVICE_NAME] as ServiceDefinition, service.implementation);
  health.addToServer(server);
  new ReflectionService(definition).addToServer(server);

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${options.port ?? 0}`, ServerCredentials.createInsecure(), (error, bound) => {
      if (error === null) resolve(bound);
      else reject(error);
    });
  });
  const url = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info({ url, maxReceiveMessageBytes }, 'gRPC server listening');

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
