/**
 * The relay service: relay-core's Relay behind HTTP (Fastify routes in a NestJS app, with
 * health, readiness, metrics and /openapi.json) and gRPC. Built from an open Relay, so that the
 * one-process platform and a stand-alone process wire it the same way.
 */
import { Module } from '@nestjs/common';
import type { ElectionFactory } from '@anchorpost/leader-election';
import {
  createLogger,
  startServiceApp,
  type Logger,
  type ReadinessCheck,
  type RunningService,
  parseAllowedOrigins,
  ServiceMetrics,
} from '@anchorpost/service-kit';
import { grpcSecurity } from './grpc/grpc-credentials.ts';
import { startRelayGrpcServer } from './grpc/relay-grpc-server.ts';
import { startAdminService } from './admin/admin-service.ts';
import { OpenStreams, subscriptionRoute } from './http/subscription-route.ts';
import { keyFileRoutes } from './http/key-file-routes.ts';
import { txFileRoutes } from './http/tx-file-routes.ts';
import { usageRoute } from './http/usage-route.ts';
import type { OpenedRelay } from './open-relay.ts';
import type { RelayConfig } from './relay-config.ts';
import { startInboundLoop } from './inbound-loop.ts';
import { RELAY_METRICS, relayMetrics } from './relay-metrics.ts';
import { tenantStreams } from './tenant-streams.ts';
import { StreamLimit } from './stream-limit.ts';

export interface RelayServiceOptions {
  config: RelayConfig;
  /** The relay with its tenant access and administration, from openRelay. */
  relay: OpenedRelay;
  logger?: Logger;
  /** The registry the Relay's observer (see openRelay) already counts into. */
  metrics?: ServiceMetrics;
  /** Checks of the adapters the relay depends on (database, storage, bus). */
  readiness?: readonly ReadinessCheck[];
  handleSignals?: boolean;
  /**
   * One replica delivers the peers' files (ADR 0031) when several run: `electionFactory(
   * electionConfigFromEnv(env, 'relay'))` of @anchorpost/leader-election. Without it, this one does.
   */
  inboundElection?: ElectionFactory;
}

// eslint-disable-next-line @typescript-eslint/no-extraneous-class -- a Nest module is a class by design
class RelayModule {}
Module({})(RelayModule);

export async function startRelayService(options: RelayServiceOptions): Promise<RunningService> {
  const { config } = options;
  const { relay, access, streams: slots, meter, usage, keyFiles } = options.relay;
  const logger = options.logger ?? createLogger('relay');
  const openStream = tenantStreams(slots, meter, (error) => {
    logger.warn({ err: error }, 'stream lease not released; it expires by itself');
  });
  const metrics = options.metrics ?? new ServiceMetrics('relay', RELAY_METRICS);
  const counters = relayMetrics(metrics);
  const streams = new OpenStreams();
  // Before anything listens: a TLS setting that is wrong or missing stops the start.
  const security = grpcSecurity(config);
  // One limit for SSE and gRPC: what it bounds (sockets, held events) is the process's.
  const admission = new StreamLimit(config.maxStreams);
  const drainTimeoutMs = config.subscriberDrainTimeoutMs;
  const service = await startServiceApp({
    service: 'relay',
    module: RelayModule,
    host: config.host,
    port: config.httpPort,
    management: { host: config.managementHost, port: config.managementPort },
    readinessIntervalMs: config.readinessInterval,
    logger,
    metrics,
    // The submit route has its own, exact limit; this one covers every other route.
    bodyLimitBytes: 64 * 1024,
    allowedOrigins: parseAllowedOrigins(config.corsOrigins),
    readiness: options.readiness,
    handleSignals: options.handleSignals,
    openapi: {
      title: 'Anchorpost relay',
      version: '1',
      description: 'Submit end-to-end-encrypted tx-files, get receipts, subscribe by recipient hash.',
    },
    configure(fastify) {
      txFileRoutes(fastify, { relay, access, maxTxFileBytes: config.maxTxFileBytes });
      usageRoute(fastify, { access, usage });
      keyFileRoutes(fastify, { keyFiles, access });
      subscriptionRoute(
        fastify,
        {
          relay,
          access,
          logger,
          openStream,
          heartbeatMs: config.sseHeartbeatMs,
          drainTimeoutMs,
          admission,
          onDropped: () => {
            counters.droppedSubscribers.inc({ transport: 'sse' });
          },
          onOpen: () => {
            counters.openSubscriptions.inc({ transport: 'sse' });
          },
          onClose: () => {
            counters.openSubscriptions.dec({ transport: 'sse' });
          },
        },
        streams,
      );
    },
  });
  let grpc: Awaited<ReturnType<typeof startRelayGrpcServer>>;
  try {
    grpc = await startRelayGrpcServer({
      relay,
      access,
      host: config.host,
      port: config.grpcPort,
      logger,
      metrics: service.metrics,
      maxTxFileBytes: config.maxTxFileBytes,
      openStream,
      keyFiles,
      credentials: security.credentials,
      streams: {
        admission,
        drainTimeoutMs,
        onDropped: () => {
          counters.droppedSubscribers.inc({ transport: 'grpc' });
        },
      },
      connections: {
        keepaliveTimeMs: config.grpcKeepaliveTimeMs,
        keepaliveTimeoutMs: config.grpcKeepaliveTimeoutMs,
        maxConnectionIdleMs: config.grpcMaxConnectionIdleMs,
        maxConcurrentStreams: config.grpcMaxConcurrentStreams,
      },
    });
  } catch (error) {
    await service.close();
    throw error;
  }
  let admin: Awaited<ReturnType<typeof startAdminService>>;
  try {
    admin = await startAdminService({
      config,
      opened: options.relay,
      logger,
      handleSignals: options.handleSignals,
    });
  } catch (error) {
    await grpc.close();
    await service.close();
    throw error;
  }
  // The peers' files indexed by the parser (ADR 0031), delivered by the elected replica only.
  let inbound: Awaited<ReturnType<typeof startInboundLoop>>;
  try {
    inbound = await startInboundLoop(options.relay.inbound, {
      intervalMs: config.inboundIntervalMs,
      metrics,
      logger,
      election: options.inboundElection,
    });
  } catch (error) {
    await admin?.close();
    await grpc.close();
    await service.close();
    throw error;
  }
  logger.info(
    {
      http: service.url,
      grpc: grpc.url,
      grpcSecurity: security.mode,
      management: service.managementUrl,
      admin: admin?.url ?? 'off',
    },
    'relay ready',
  );

  let closing: Promise<void> | undefined;
  return {
    name: 'relay',
    urls: {
      http: service.url,
      grpc: grpc.url,
      ...(service.managementUrl === undefined ? {} : { management: service.managementUrl }),
      ...(admin === null ? {} : { admin: admin.url }),
    },
    close: () =>
      (closing ??= (async () => {
        await inbound.close();
        await grpc.close();
        streams.closeAll();
        await service.close();
        await admin?.close();
        // After the servers: no submit is being checked any more.
        await relay.close();
        slots.close();
        await meter.close().catch((error: unknown) => {
          logger.warn({ err: error }, 'usage of the last interval not written');
        });
      })()),
  };
}
