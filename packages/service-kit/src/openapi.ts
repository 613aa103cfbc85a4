/**
 * `/openapi.json` built from the routes themselves: every `/v1/…` route registered with a JSON
 * schema is described by that same schema, so the document cannot drift from what the service
 * validates. Route schemas may carry `summary`, `description` and `tags`; a route whose body is raw
 * bytes describes it in `config.openapi.requestBody` (Fastify does not validate such bodies).
 */
import type { RouteOptions } from 'fastify';

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
}

type JsonSchema = Record<string, unknown>;

interface RouteSchema {
  summary?: string;
  description?: string;
  tags?: string[];
  params?: JsonSchema;
  querystring?: JsonSchema;
  headers?: JsonSchema;
  body?: JsonSchema;
  response?: Record<string, JsonSchema>;
}

/** What a route may add to its description through `config.openapi`. */
export interface RouteOpenApi {
  requestBody?: Record<string, unknown>;
  /** Responses that are not JSON (SSE, raw bytes), by status. */
  responses?: Record<string, Record<string, unknown>>;
}

const DOCUMENTED_PREFIX = '/v1/';

function parameters(where: 'path' | 'query' | 'header', schema: JsonSchema | undefined): JsonSchema[] {
  const properties = (schema?.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema?.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
    schema: property,
  }));
}

function operation(route: RouteOptions): JsonSchema {
  const schema = (route.schema ?? {}) as RouteSchema;
  // tsc types `config` as FastifyContextConfig (no `openapi`); typescript-eslint resolves it more loosely.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
  const config = route.config as { openapi?: RouteOpenApi } | undefined;
  const extra: RouteOpenApi = config?.openapi ?? {};
  const responses: Record<string, unknown> = {};
  for (const [status, body] of Object.entries(schema.response ?? {})) {
    // Fastify writes status ranges as `4xx`; OpenAPI as `4XX`.
    responses[status.toUpperCase()] = {
      description: typeof body.description === 'string' ? body.description : `status ${status}`,
      content: { 'application/json': { schema: body } },
    };
  }
  Object.assign(responses, extra.responses);
  const requestBody =
    extra.requestBody ??
    (schema.body ? { required: true, content: { 'application/json': { schema: schema.body } } } : undefined);
  return {
    ...(schema.summary ? { summary: schema.summary } : {}),
    ...(schema.description ? { description: schema.description } : {}),
    ...(schema.tags ? { tags: schema.tags } : {}),
    parameters: [
      ...parameters('path', schema.params),
      ...parameters('query', schema.querystring),
      ...parameters('header', schema.headers),
    ],
    ...(requestBody ? { requestBody } : {}),
    responses,
  };
}

/** `/v1/tx-files/:cid` → `/v1/tx-files/{cid}` */
function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

export class OpenApiCollector {
  readonly #routes: RouteOptions[] = [];
  readonly #info: OpenApiInfo;

  constructor(info: OpenApiInfo) {
    this.#info = info;
  }

  /** Fastify's `onRoute` hook: remembers documented routes as they are registered. */
  readonly onRoute = (route: RouteOptions): void => {
    if (route.url.startsWith(DOCUMENTED_PREFIX)) this.#routes.push(route);
  };

  document(): JsonSchema {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const route of this.#routes) {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      const path = (paths[openApiPath(route.url)] ??= {});
      for (const method of methods) {
        // Fastify adds HEAD for every GET by itself; it is not worth a separate entry.
        if (method === 'HEAD') continue;
        path[method.toLowerCase()] = operation(route);
      }
    }
    return { openapi: '3.1.0', info: this.#info, paths };
  }
}
