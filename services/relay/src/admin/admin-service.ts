/**
 * The relay's admin API as a service of its own: its own port (ANCHORPOST_RELAY_ADMIN_PORT, on
 * 127.0.0.1 unless ANCHORPOST_RELAY_ADMIN_HOST says otherwise), never the public one the Ingress
 * routes, and every route behind the operator's admin key. Off without an admin key file.
 */
import { Module } from '@nestjs/common';
import { startServiceApp, type Logger, type RunningService } from '@anchorpost/service-kit';
import type { OpenedRelay } from '../open-relay.ts';
import type { RelayConfig } from '../relay-config.ts';
import { requireAdmin } from './admin-authentication.ts';
import { adminRoutes } from './admin-routes.ts';
import { peerRoutes } from './peer-routes.ts';

// eslint-disable-next-line @typescript-eslint/no-extraneous-class -- a Nest module is a class by design
class RelayAdminModule {}
Module({})(RelayAdminModule);

export interface AdminServiceOptions {
  config: RelayConfig;
  opened: OpenedRelay;
  logger: Logger;
  handleSignals?: boolean;
}

/** The running admin API, or null when no admin key is configured. */
export async function startAdminService(
  options: AdminServiceOptions,
): Promise<(Pick<RunningService, 'close'> & { url: string }) | null> {
  const { adminKey, administration, usage, peers } = options.opened;
  if (adminKey === null) return null;
  const service = await startServiceApp({
    service: 'relay-admin',
    module: RelayAdminModule,
    host: options.config.adminHost,
    port: options.config.adminPort,
    logger: options.logger,
    bodyLimitBytes: 64 * 1024,
    // The relay's own management listener serves this process's metrics and readiness.
    management: false,
    handleSignals: options.handleSignals,
    openapi: {
      title: 'Anchorpost relay admin',
      version: '1',
      description:
        'Tenants, their plans, API keys and client keys, usage, and the peer platforms followed through the chain (operators only; Bearer admin key).',
    },
    configure(fastify) {
      fastify.addHook('onRequest', async (request, reply) => {
        if (!request.url.startsWith('/v1/admin/')) return;
        await requireAdmin(adminKey).call(fastify, request, reply);
      });
      adminRoutes(fastify, administration, usage);
      peerRoutes(fastify, peers);
    },
  });
  return { url: service.url, close: () => service.close() };
}
