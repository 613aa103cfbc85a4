/**
 * Which methods each path of a service answers, so that a request with another method gets
 * `405 Method Not Allowed` and an `Allow` header, as HTTP says, rather than a 404 that claims the
 * path does not exist (or Fastify's 400 for a body-carrying method such as QUERY without a content
 * type, which comes before any route is found).
 */
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';

interface Known {
  pattern: RegExp;
  methods: Set<string>;
}

/** `/v1/tx-files/:cid` → a RegExp matching `/v1/tx-files/<one segment>`. */
function patternOf(url: string): RegExp {
  const escaped = url
    .split('/')
    .map((segment) => {
      if (segment.startsWith(':')) return '[^/]+';
      if (segment === '*') return '.*';
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${escaped}$`);
}

export class RouteMethods {
  readonly #known = new Map<string, Known>();

  /** Fastify's `onRoute` hook. */
  readonly onRoute = (route: RouteOptions): void => {
    const known = this.#known.get(route.url) ?? { pattern: patternOf(route.url), methods: new Set<string>() };
    for (const method of Array.isArray(route.method) ? route.method : [route.method])
      known.methods.add(method);
    this.#known.set(route.url, known);
  };

  /** The methods `path` answers, or none when no route has that path. */
  allowed(path: string): string[] {
    const methods = new Set<string>();
    for (const known of this.#known.values()) {
      if (known.pattern.test(path)) for (const method of known.methods) methods.add(method);
    }
    return [...methods].sort();
  }

  /** An `onRequest` hook: answers 405 for a path that exists under other methods. */
  readonly onRequest = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (!request.is404) return;
    const allowed = this.allowed(request.url.split('?', 1)[0]!);
    if (allowed.length === 0) return;
    await reply
      .code(405)
      .header('allow', allowed.join(', '))
      .send({
        error: {
          code: 'METHOD_NOT_ALLOWED',
          message: `this path answers ${allowed.join(', ')}`,
          retryable: false,
          requestId: request.id,
        },
      });
  };
}
