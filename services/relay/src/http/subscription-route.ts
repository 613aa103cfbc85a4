/**
 * `GET /v1/subscriptions/:recipientHash`: Server-Sent Events of the files for one recipient.
 *
 * Only for a recipient the caller's tenant is entitled to (it sent to it, or the operator
 * registered it): 403 NOT_ENTITLED otherwise, checked before the cursor, so a cursor from the past
 * replays nothing either.
 *
 * The start (cursor, `Last-Event-ID`, or the live end) is checked before the stream opens, so a
 * bad one is an ordinary 400. The first event, `ready`, carries the start as its id: a client that
 * reconnects with the last id it saw gets every file it missed exactly once, even if none had
 * arrived yet. Writes wait for the socket to drain, so a slow subscriber holds one file, not a queue.
 */
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Relay, TenantAccess } from '@anchorpost/relay-core';
import type { Logger } from '@anchorpost/service-kit';
import type { OpenTenantStream } from '../tenant-streams.ts';
import { callerOf, requireCaller, type CallerCheck } from './authentication.ts';
import { errorSchema, recipientParam, subscriptionEventSchema } from './schemas.ts';

export interface SubscriptionRouteOptions {
  relay: Relay;
  /** Subscribers need an API key with the `subscribe` scope, and their tenant an entitlement. */
  access: CallerCheck & Pick<TenantAccess, 'checkEntitled'>;
  logger: Logger;
  /** Comment lines sent this often keep proxies from closing an idle stream. */
  heartbeatMs: number;
  /** Takes one of the tenant's stream slots (TOO_MANY_STREAMS) and counts its usage. */
  openStream: OpenTenantStream;
  /** Counts open streams (a gauge), if given. */
  onOpen?(): void;
  onClose?(): void;
}

/**
 * Open streams, so that the service can end them when it stops: an SSE response never ends by
 * itself, and the HTTP server waits for every response before it closes.
 */
export class OpenStreams {
  readonly #controllers = new Set<AbortController>();

  add(controller: AbortController): void {
    this.#controllers.add(controller);
  }

  delete(controller: AbortController): void {
    this.#controllers.delete(controller);
  }

  /** Ends every open stream; the clients reconnect with their last event id. */
  closeAll(): void {
    for (const controller of this.#controllers) controller.abort();
    this.#controllers.clear();
  }
}

function event(name: string, id: string | null, data: unknown): string {
  return `event: ${name}\n${id === null ? '' : `id: ${id}\n`}data: ${JSON.stringify(data)}\n\n`;
}

/** Resolves false when the client went away instead of draining. */
async function write(raw: ServerResponse, chunk: string, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  if (raw.write(chunk)) return true;
  try {
    await once(raw, 'drain', { signal });
    return true;
  } catch {
    return false;
  }
}

export function subscriptionRoute(
  fastify: FastifyInstance,
  options: SubscriptionRouteOptions,
  streams: OpenStreams,
): void {
  const { relay, heartbeatMs } = options;
  fastify.get(
    '/v1/subscriptions/:recipientHash',
    {
      onRequest: requireCaller(options.access, 'subscribe'),
      schema: {
        summary: 'Files for a recipient as they are accepted (Server-Sent Events)',
        description:
          'Events: `ready` (id = the start cursor), then `tx-file` with data `{cid, receipt, txFile (base64), cursor}` and id = cursor. Resume with `Last-Event-ID` or `?cursor=`. Only for a recipient the tenant has sent to or has registered (403 NOT_ENTITLED otherwise).',
        tags: ['relay'],
        params: recipientParam,
        querystring: {
          type: 'object',
          properties: { cursor: { type: 'string', maxLength: 128, description: 'Start after this cursor' } },
        },
        headers: {
          type: 'object',
          properties: {
            'last-event-id': { type: 'string', maxLength: 128 },
            authorization: { type: 'string', description: '`Bearer <API key>` with the `subscribe` scope' },
          },
        },
        response: { '4xx': errorSchema, '5xx': errorSchema },
      },
      config: {
        openapi: {
          responses: {
            200: {
              description: 'An event stream',
              content: { 'text/event-stream': { schema: subscriptionEventSchema } },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const { recipientHash } = request.params as { recipientHash: string };
      const query = request.query as { cursor?: string };
      const lastEventId = request.headers['last-event-id'];
      await options.access.checkEntitled(callerOf(request).tenantId, recipientHash);
      const start = await relay.subscriptionStart(
        recipientHash,
        query.cursor ?? (typeof lastEventId === 'string' ? lastEventId : undefined),
      );

      const tenantStream = await options.openStream(callerOf(request).tenantId);
      const controller = new AbortController();
      const { signal } = controller;
      streams.add(controller);
      const raw = reply.raw;
      reply.hijack();
      raw.on('close', () => {
        controller.abort();
      });
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-request-id': request.id,
        'x-accel-buffering': 'no',
      });
      const heartbeat = setInterval(() => {
        if (!signal.aborted) raw.write(': keep-alive\n\n');
      }, heartbeatMs);
      heartbeat.unref();
      options.onOpen?.();
      try {
        if (!(await write(raw, event('ready', start, { cursor: start }), signal))) return;
        for await (const delivered of relay.subscribe(recipientHash, { cursor: start, signal })) {
          const data = {
            cid: delivered.cid,
            receipt: delivered.receipt,
            txFile: Buffer.from(delivered.txFile).toString('base64'),
            cursor: delivered.cursor,
          };
          if (!(await write(raw, event('tx-file', delivered.cursor, data), signal))) break;
          tenantStream.delivered();
        }
      } catch (error) {
        if (!signal.aborted) {
          options.logger.error({ requestId: request.id, err: error }, 'subscription failed');
          // No id: the client's last id stays the last file it got.
          raw.write(event('error', null, { error: { code: 'INTERNAL', message: 'the stream failed' } }));
        }
      } finally {
        clearInterval(heartbeat);
        void tenantStream.close();
        streams.delete(controller);
        options.onClose?.();
        raw.end();
      }
    },
  );
}
