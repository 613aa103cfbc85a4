/**
 * The management listener of a service: `/metrics` (Prometheus), `/readyz` with every check's
 * result (secrets redacted) and `/healthz`, for Prometheus and the kubelet, never for callers. A
 * bare Fastify: no request logs (scrapes and probes every few seconds would drown the service's
 * own lines), no routes of the service.
 */
import type { AddressInfo } from 'node:net';
import { fastify as createFastify } from 'fastify';
import type { ServiceMetrics } from './metrics.ts';
import type { ReadinessMonitor } from './readiness.ts';

export interface ManagementServerOptions {
  host: string;
  port: number;
  readiness: Pick<ReadinessMonitor, 'report'>;
  metrics: ServiceMetrics;
}

export interface ManagementServer {
  url: string;
  close(): Promise<void>;
}

export async function startManagementServer(options: ManagementServerOptions): Promise<ManagementServer> {
  const { readiness, metrics } = options;
  const server = createFastify({ logger: false });
  server.get('/healthz', () => ({ status: 'ok' }));
  server.get('/readyz', (_request, reply) => {
    const report = readiness.report();
    return reply.code(report.ready ? 200 : 503).send({
      status: report.ready ? 'ready' : 'not-ready',
      checks: report.checks,
      ...(report.checkedAt === undefined ? {} : { checkedAt: report.checkedAt }),
    });
  });
  server.get('/metrics', async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
  await server.listen({ host: options.host, port: options.port });
  const address = server.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { url: `http://${host}:${address.port}`, close: () => server.close() };
}
