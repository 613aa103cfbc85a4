/**
 * CORS (../src/cors.ts) on a service app: by default no page origin may call it; with origins
 * allowed, their preflights and answers (streamed ones too) carry the CORS headers and any other
 * origin is refused with 403 ORIGIN_NOT_ALLOWED before its route runs. A setting that is no exact
 * origin (a wildcard, a path, upper case) is refused at start.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Module } from '@nestjs/common';
import { createLogger } from '../src/logger.ts';
import { parseAllowedOrigins } from '../src/cors.ts';
import { startServiceApp, type ServiceApp } from '../src/service-app.ts';

// eslint-disable-next-line @typescript-eslint/no-extraneous-class -- a Nest module is a class by design
class CorsModule {}
Module({})(CorsModule);

const APP = 'https://app.example';
let ran = 0;

async function start(allowedOrigins?: readonly string[]): Promise<ServiceApp> {
  return startServiceApp({
    service: 'cors-test',
    module: CorsModule,
    logger: createLogger('cors-test', { destination: { write: () => undefined } }),
    management: false,
    handleSignals: false,
    ...(allowedOrigins ? { allowedOrigins } : {}),
    configure(fastify) {
      fastify.post('/v1/act', () => {
        ran += 1;
        return { done: true };
      });
      // A streamed answer written on the raw response, as the relay's SSE route does.
      fastify.get('/v1/stream', (_request, reply) => {
        reply.hijack();
        reply.raw.writeHead(200, { 'content-type': 'text/event-stream' });
        reply.raw.end('event: ready\ndata: {}\n\n');
      });
    },
  });
}

const preflight = (url: string, origin: string) =>
  fetch(url, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization',
    },
  });

describe('CORS on a service app', () => {
  let closed: ServiceApp;
  let open: ServiceApp;
  before(async () => {
    closed = await start();
    open = await start([APP]);
  });
  after(async () => {
    await closed.close();
    await open.close();
  });

  it('refuses every page origin by default, before the route runs; callers without Origin are served', async () => {
    const before = ran;
    const answer = await fetch(`${closed.url}/v1/act`, { method: 'POST', headers: { origin: APP } });
    assert.equal(answer.status, 403);
    assert.equal(((await answer.json()) as { error: { code: string } }).error.code, 'ORIGIN_NOT_ALLOWED');
    assert.equal(ran, before, 'the route did not run');
    assert.equal((await preflight(`${closed.url}/v1/act`, APP)).status, 403);
    assert.equal((await fetch(`${closed.url}/v1/act`, { method: 'POST' })).status, 200);
    // Its own pages: a browser sends Origin with a same-origin module script or POST.
    const own = new URL(closed.url).origin;
    assert.equal(
      (await fetch(`${closed.url}/v1/act`, { method: 'POST', headers: { origin: own } })).status,
      200,
    );
  });

  it('answers an allowed origin: its preflight, its requests, its streams', async () => {
    const yes = await preflight(`${open.url}/v1/act`, APP);
    assert.equal(yes.status, 204);
    assert.equal(yes.headers.get('access-control-allow-origin'), APP);
    assert.match(yes.headers.get('access-control-allow-methods') ?? '', /POST/);
    assert.match(yes.headers.get('access-control-allow-headers') ?? '', /authorization/);
    const acted = await fetch(`${open.url}/v1/act`, { method: 'POST', headers: { origin: APP } });
    assert.equal(acted.status, 200);
    assert.equal(acted.headers.get('access-control-allow-origin'), APP);
    assert.equal(acted.headers.get('vary'), 'Origin');
    const stream = await fetch(`${open.url}/v1/stream`, { headers: { origin: APP } });
    assert.equal(stream.headers.get('access-control-allow-origin'), APP);
    await stream.text();
    const other = await fetch(`${open.url}/v1/act`, {
      method: 'POST',
      headers: { origin: 'https://evil.example' },
    });
    assert.equal(other.status, 403);
    assert.equal(other.headers.get('access-control-allow-origin'), null);
  });

  it('takes only exact origins as the setting', () => {
    assert.deepEqual(parseAllowedOrigins(''), []);
    assert.deepEqual(parseAllowedOrigins(` ${APP}, http://127.0.0.1:8080 `), [APP, 'http://127.0.0.1:8080']);
    for (const bad of [
      '*',
      'https://app.example/',
      'https://App.example',
      'app.example',
      'ftp://x.example',
      'https://*.example',
    ]) {
      assert.throws(() => parseAllowedOrigins(bad), /allowed origin/, bad);
    }
  });
});
