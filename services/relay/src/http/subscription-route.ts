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
 * arrived yet. Writes wait for the socket to drain, so a slow subscriber holds one file, not a
 * queue, and for at most `drainTimeoutMs`: then the stream is dropped (see SseStream). Streams
 * past the process's limit are refused before they open (429 TOO_MANY_STREAMS).
 */
import type { FastifyInstance } from 'fastify';
import type { DeliveredTxFile, Relay, TenantAccess } from '@anchorpost/relay-core';
import type { Logger } from '@anchorpost/service-kit';
import type { StreamAdmission } from '../stream-limit.ts';
import type { OpenTenantStream } from '../tenant-streams.ts';
import { callerOf, requireCaller, type CallerCheck } from './authentication.ts';
import { errorSchema, recipientParam, subscriptionEventSchema } from './schemas.ts';
import { sseEvent as event, SseStream, type SendResult } from './sse-stream.ts';

export interface SubscriptionRouteOptions {
  relay: Relay;
  /** Subscribers need an API key with the `subscribe` scope, and their tenant an entitlement. */
  access: CallerCheck & Pick<TenantAccess, 'checkEntitled'>;
  logger: Logger;
  /** Comment lines sent this often keep proxies from closing an idle stream. */
  heartbeatMs: number;
  /** Takes one of the tenant's stream slots (TOO_MANY_STREAMS) and counts its usage. */
  openStream: OpenTenantStream;
  /** How long a write may wait for the client to read before the stream is dropped. */
  drainTimeoutMs: number;
  /** Takes a place for each stream (the process's limit), or refuses it. */
  admission: StreamAdmission;
  /** Counts open streams (a gauge), if given. */
  onOpen?(): void;
  onClose?(): void;
  /** Told when a stream is dropped because its client did not read within the drain timeout. */
  onDropped?(): void;
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

/**
 * The `tx-file` event of a delivery, encoded once: subscribers of one recipient get the same
 * delivery object from the relay, so their sockets share one buffer of it instead of a copy each.
 */
const txFileEvents = new WeakMap<DeliveredTxFile, Buffer>();

function txFileEvent(delivered: DeliveredTxFile): Buffer {
  let encoded = txFileEvents.get(delivered);
  if (encoded === undefined) {
    const data = {
      cid: delivered.cid,
      receipt: delivered.receipt,
      txFile: Buffer.from(delivered.txFile).toString('base64'),
      cursor: delivered.cursor,
      // A peer platform's file (ADR 0031) names the peer; this platform's own files have no origin.
      ...(delivered.origin === undefined ? {} : { origin: delivered.origin }),
    };
    encoded = Buffer.from(event('tx-file', delivered.cursor, data));
    txFileEvents.set(delivered, encoded);
  }
  return encoded;
}

export function subscriptionRoute(
  fastify: FastifyInstance,
  options: SubscriptionRouteOptions,
  streams: OpenStreams,
): void {
  const { relay } = options;
  fastify.get(
    '/v1/subscriptions/:recipientHash',
    {
      onRequest: requireCaller(options.access, 'subscribe'),
      schema: {
        summary: 'Files for a recipient as they are accepted (Server-Sent Events)',
        description:
          "Events: `ready` (id = the start cursor), then `tx-file` with data `{cid, receipt, txFile (base64), cursor, origin?}` and id = cursor (`origin`: the peer platform a file came from through the chain). Resume with `Last-Event-ID` or `?cursor=`. Only for a recipient the tenant has sent to or has registered (403 NOT_ENTITLED otherwise). A client that does not read for the drain timeout is disconnected (its last event id is its cursor); past the tenant's or the process's stream limit: 429 `TOO_MANY_STREAMS`.",
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
      const permit = options.admission.admit(callerOf(request));
      let tenantStream: Awaited<ReturnType<OpenTenantStream>>;
      try {
        tenantStream = await options.openStream(callerOf(request).tenantId);
      } catch (error) {
        permit.release();
        throw error;
      }
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
      const stream = new SseStream(raw, signal, options);
      options.onOpen?.();
      let sent: SendResult = 'sent';
      try {
        sent = await stream.send(event('ready', start, { cursor: start }));
        if (sent !== 'sent') return;
        for await (const delivered of relay.subscribe(recipientHash, { cursor: start, signal })) {
          sent = await stream.send(txFileEvent(delivered));
          if (sent !== 'sent') break;
          tenantStream.delivered();
        }
      } catch (error) {
        if (!signal.aborted) {
          options.logger.error({ requestId: request.id, err: error }, 'subscription failed');
          // No id: the client's last id stays the last file it got.
          raw.write(event('error', null, { error: { code: 'INTERNAL', message: 'the stream failed' } }));
        }
      } finally {
        if (sent === 'slow') {
          // The buffer is full, so no event can tell it; its last event id is where it resumes.
          options.logger.warn(
            { requestId: request.id, drainTimeoutMs: options.drainTimeoutMs },
            'subscriber did not read within the drain timeout: dropped',
          );
          options.onDropped?.();
        }
        stream.close(sent === 'slow');
        controller.abort();
        void tenantStream.close();
        permit.release();
        streams.delete(controller);
        options.onClose?.();
      }
    },
  );
}
