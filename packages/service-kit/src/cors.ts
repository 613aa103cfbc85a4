/**
 * Cross-origin requests from the pages of the origins an operator allows, and from no other
 * (default: none). A request whose `Origin` is allowed gets `Access-Control-Allow-Origin` (set on
 * the raw response, so streamed answers such as SSE carry it too) and its preflight (`OPTIONS` with
 * `Access-Control-Request-Method`) a 204 naming the methods and headers a client sends: the API key
 * travels in `Authorization`, never in the URL. A request from any other page origin is refused
 * with 403 `ORIGIN_NOT_ALLOWED` before its route runs, so a page cannot make a caller's browser
 * act on a service even where the browser would send the request without asking (a "simple"
 * request). Requests without `Origin` (servers, the CLI, `curl`) are not concerned, nor are a
 * service's own pages (the proof API's auditor page): a browser sends `Origin` with a same-origin
 * module script or POST too, and an origin whose host is the request's `Host` is the service's own.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** What a browser client sends: the API key, the tenant, a resumed SSE stream's cursor. */
const ALLOWED_HEADERS = 'authorization, content-type, anchorpost-tenant, last-event-id, x-request-id';
const ALLOWED_METHODS = 'GET, POST, PUT, DELETE';
/** Response headers a page may read beyond the CORS-safelisted ones. */
const EXPOSED_HEADERS = 'x-request-id, retry-after, location';

/** `https://app.example, http://127.0.0.1:8080` → the origins, each checked to be `scheme://host[:port]`. */
export function parseAllowedOrigins(text: string): readonly string[] {
  const origins = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const origin of origins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    const exact = parsed !== undefined && /^https?:$/.test(parsed.protocol) && parsed.origin === origin;
    if (!exact || origin.includes('*')) {
      throw new Error(
        `an allowed origin is scheme://host[:port], lower case, without a path or a wildcard: ${origin}`,
      );
    }
  }
  return origins;
}

/** Whether `origin` names the host the request was sent to (a page the service served itself). */
function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}

/** Registers the CORS policy for `origins` (exact matches) before any route or other hook. */
export function allowOrigins(fastify: FastifyInstance, origins: readonly string[]): void {
  const allowed = new Set(origins);
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const origin = request.headers.origin;
    if (origin === undefined || sameHost(origin, request.headers.host)) return;
    if (!allowed.has(origin)) {
      await reply.code(403).send({
        error: {
          code: 'ORIGIN_NOT_ALLOWED',
          message: 'requests from this page origin are not allowed by the operator',
          retryable: false,
          requestId: request.id,
        },
      });
      return;
    }
    reply.raw.setHeader('access-control-allow-origin', origin);
    reply.raw.setHeader('vary', 'Origin');
    reply.raw.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined) {
      await reply
        .code(204)
        .header('access-control-allow-methods', ALLOWED_METHODS)
        .header('access-control-allow-headers', ALLOWED_HEADERS)
        .header('access-control-max-age', '600')
        .send();
    }
  });
}
