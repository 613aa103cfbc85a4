/**
 * Starts one Anchorpost service: a NestJS application on Fastify with what every service has —
 * `/healthz` (liveness), `/readyz` (readiness checks), `/metrics` (Prometheus), a request id on
 * every request and response (`x-request-id`, carried into every log line), JSON request logs, an
 * HTTP duration histogram, a body limit enforced before a body is buffered whole, and shutdown on
 * SIGTERM/SIGINT.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { createLogger, nestLogger, type Logger } from './logger.ts';
import { ServiceMetrics } from './metrics.ts';
import { httpErrorHandler } from './http-error-handler.ts';
import { OpenApiCollector, type OpenApiInfo } from './openapi.ts';
import { runReadiness, type ReadinessCheck } from './readiness.ts';
import { requestContext } from './request-context.ts';

export interface ServiceAppOptions {
  /** Lower-case service name: `relay`, `batcher`... (metrics are `anchorpost_<service>_*`). */
  service: string;
  /** The service's root NestJS module. */
  module: Type;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Largest request body accepted; larger ones get 413 before they are read whole. */
  bodyLimitBytes?: number;
  readiness?: readonly ReadinessCheck[];
  logger?: Logger;
  metrics?: ServiceMetrics;
  /** When given, `/openapi.json` describes every `/v1/…` route from its own JSON schema. */
  openapi?: OpenApiInfo;
  /**
   * Close on SIGTERM/SIGINT (default true). The one-process platform turns it off and closes its
   * services itself, in order, so that one service's handler cannot end the process under the others.
   */
  handleSignals?: boolean | undefined;
  /**
   * Adds the service's own routes, content-type parsers and hooks to Fastify before it listens.
   * Routes are plain Fastify routes with JSON schemas (ADR 0010): streamed bodies, SSE and raw
   * bytes are Fastify's own, and no decorator compile step is needed.
   */
  configure?: (
    fastify: FastifyInstance,
    context: { logger: Logger; metrics: ServiceMetrics },
  ) => void | Promise<void>;
}

export interface ServiceApp {
  app: NestFastifyApplication;
  url: string;
  logger: Logger;
  metrics: ServiceMetrics;
  close(): Promise<void>;
}

/** A client's own request id is kept only when it is short and plain, so it cannot forge log lines. */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function requestId(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && CLIENT_REQUEST_ID.test(given) ? given : randomUUID();
}

export async function startServiceApp(options: ServiceAppOptions): Promise<ServiceApp> {
  const logger = options.logger ?? createLogger(options.service);
  const metrics = options.metrics ?? new ServiceMetrics(options.service);
  const readiness = options.readiness ?? [];
  const adapter = new FastifyAdapter({
    bodyLimit: options.bodyLimitBytes ?? 1024 * 1024,
    genReqId: requestId,
    requestIdHeader: false,
    // Path parameters include 128-character recipient hashes and CIDs.
    routerOptions: { maxParamLength: 256 },
    logger: false,
  });
  // Nest types its options as a class but takes plain objects (its own docs do the same).
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
  const app = await NestFactory.create<NestFastifyApplication>(options.module, adapter, {
    logger: nestLogger(logger),
    abortOnError: false,
  });
  const fastify = app.getHttpAdapter().getInstance();

  fastify.addHook('onRequest', (request, reply, done) => {
    requestContext.enterWith({ requestId: request.id });
    void reply.header('x-request-id', request.id);
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    logger.info(
      {
        requestId: request.id,
        method: request.method,
        route,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
    done();
  });

  fastify.get('/healthz', () => ({ status: 'ok' }));
  fastify.get('/readyz', async (_request, reply) => {
    const report = await runReadiness(readiness);
    return reply
      .code(report.ready ? 200 : 503)
      .send({ status: report.ready ? 'ready' : 'not-ready', checks: report.checks });
  });
  fastify.get('/metrics', async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );

  if (options.openapi) {
    const collector = new OpenApiCollector(options.openapi);
    fastify.addHook('onRoute', collector.onRoute);
    fastify.get('/openapi.json', () => collector.document());
  }
  const configure = options.configure;
  if (configure) {
    // In their own plugin scope, so that their error handler is ours, not the one Nest sets on the
    // root at start-up.
    await fastify.register(async (scope) => {
      scope.setErrorHandler(httpErrorHandler(logger));
      await configure(scope, { logger, metrics });
    });
  }
  if (options.handleSignals ?? true) app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await app.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  const address = fastify.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  logger.info({ url }, `${options.service} listening`);
  return { app, url, logger, metrics, close: () => app.close() };
}
