/**
 * The auditor's page at `/` (docs/auditors.md): static files built by scripts/build-page.ts, read
 * once at start and served as they are. Outside `/v1/`, so not in the OpenAPI document: they are
 * the page, not the API. The page asks chain nodes of the user's choosing, so `connect-src` is
 * open; everything else is this origin only.
 */
import { readFile } from 'node:fs/promises';
import type { FastifyReply, RouteOptions } from 'fastify';

const PAGE_DIR = new URL('../dist/page/', import.meta.url);

const FILES = [
  { url: '/', file: 'index.html', type: 'text/html; charset=utf-8' },
  { url: '/auditor.js', file: 'auditor.js', type: 'text/javascript; charset=utf-8' },
  { url: '/auditor.css', file: 'auditor.css', type: 'text/css; charset=utf-8' },
] as const;

const HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src *; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'public, max-age=300',
};

/** The page's routes, or none when the page was not built (a service run from source without `npm run build`). */
export async function auditorPageRoutes(): Promise<RouteOptions[]> {
  const bodies = await Promise.all(
    FILES.map(async ({ file }) => readFile(new URL(file, PAGE_DIR)).catch(() => undefined)),
  );
  if (bodies.some((body) => body === undefined)) return [];
  return FILES.map(({ url, type }, i): RouteOptions => ({
    method: 'GET',
    url,
    handler: (_request, reply: FastifyReply) =>
      reply.headers({ ...HEADERS, 'content-type': type }).send(bodies[i]),
  }));
}
