/**
 * Starts one Anchorpost service: a NestJS application on Fastify with what every service has —
 * `/healthz` (liveness) and a bare `/readyz` (status only) on the public port, `/metrics`
 * (Prometheus) and the detailed `/readyz` on the management port (management-server.ts), readiness
 * checked in the background, a request id on every request and response (`x-request-id`, carried
 * into every log line and every error body), JSON request logs, an HTTP duration histogram, a body
 * limit enforced before a body is buffered whole, and shutdown on SIGTERM/SIGINT.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { bodyStrictSchemaController } from './body-validation.ts';
import { refuseWhileClosing } from './closing-refusal.ts';
import { closeOnUnreadBody } from './unread-body.ts';
import { allowOrigins } from './cors.ts';
import { createLogger, nestLogger, type Logger } from './logger.ts';
import { ServiceMetrics } from './metrics.ts';
import { httpErrorHandler } from './http-error-handler.ts';
import { OpenApiCollector, type OpenApiInfo } from './openapi.ts';
import { startManagementServer } from './management-server.ts';
import { ReadinessMonitor, type ReadinessCheck } from './readiness.ts';
import { requestContext } from './request-context.ts';
import { RouteMethods } from './route-methods.ts';

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
  /** How often the readiness checks run (default 5000 ms); probes answer the last result. */
  readinessIntervalMs?: number;
  /**
   * The management listener (`/metrics`, detailed `/readyz`, `/healthz`); default 127.0.0.1 and
   * port 0 (any free port). See managementConfigSchema. `false`: none (a second app of a service,
   * such as the relay's admin API, whose process already has one).
   */
  management?: { host?: string; port?: number } | false;
  logger?: Logger;
  metrics?: ServiceMetrics;
  /**
   * The page origins whose cross-origin requests are answered (CORS, ./cors.ts); requests from
   * other page origins are refused with 403 ORIGIN_NOT_ALLOWED. Default: none.
   */
  allowedOrigins?: readonly string[] | undefined;
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
  /** The management listener's base URL (undefined when started without one). */
  managementUrl: string | undefined;
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

/**
 * The router's own refusals (a malformed URL, a path parameter longer than `maxParamLength`) come
 * before any hook or route; Fastify would answer them 400/414 in its own shape, quoting the whole
 * path. They get our shape instead: 400 BAD_REQUEST on `path`, the request id, no echo.
 */
function frameworkErrors(_error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  void reply
    .code(400)
    .header('x-request-id', request.id)
    .send({
      error: {
        code: 'BAD_REQUEST',
        field: 'path',
        message: 'the path is malformed or a path parameter is longer than this route accepts',
        retryable: false,
        requestId: request.id,
      },
    });
}

export async function startServiceApp(options: ServiceAppOptions): Promise<ServiceApp> {
  const logger = options.logger ?? createLogger(options.service);
  const metrics = options.metrics ?? new ServiceMetrics(options.service);
  const readiness = new ReadinessMonitor(options.readiness ?? [], options.readinessIntervalMs ?? 5_000);
  const adapter = new FastifyAdapter({
    bodyLimit: options.bodyLimitBytes ?? 1024 * 1024,
    genReqId: requestId,
    requestIdHeader: false,
    // Path parameters include 128-character recipient hashes and CIDs.
    routerOptions: { maxParamLength: 256 },
    frameworkErrors,
    // While closing, ./closing-refusal.ts answers in our shape instead.
    return503OnClosing: false,
    schemaController: bodyStrictSchemaController(),
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
  refuseWhileClosing(fastify);
  closeOnUnreadBody(fastify);
  // Before the 405 of RouteMethods, which would answer a preflight's OPTIONS.
  allowOrigins(fastify, options.allowedOrigins ?? []);
  const routes = new RouteMethods();
  fastify.addHook('onRoute', routes.onRoute);
  fastify.addHook('onRequest', routes.onRequest);
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
  // Status only: which dependency failed, and how, is for the management port.
  fastify.get('/readyz', (_request, reply) => {
    const { ready } = readiness.report();
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not-ready' });
  });

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
  await readiness.start();
  const where = options.management;
  const management =
    where === false
      ? undefined
      : await startManagementServer({
          host: where?.host ?? '127.0.0.1',
          port: where?.port ?? 0,
          readiness,
          metrics,
        }).catch((error: unknown) => {
          readiness.stop();
          throw error;
        });
  try {
    await app.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  } catch (error) {
    readiness.stop();
    await management?.close();
    throw error;
  }
  const address = fastify.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  logger.info({ url, management: management?.url ?? 'none' }, `${options.service} listening`);
  let closing: Promise<void> | undefined;
  return {
    app,
    url,
    managementUrl: management?.url,
    logger,
    metrics,
    close: () =>
      (closing ??= (async () => {
        readiness.stop();
        await app.close();
        await management?.close();
      })()),
  };
}
