import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { AnchorpostError } from '@anchorpost/protocol';
import { Body, Controller, Module, Post } from '@nestjs/common';
import { createLogger } from '../src/logger.ts';
import { startServiceApp, type ServiceApp } from '../src/service-app.ts';

// Decorators applied as plain calls, so this file runs under Node's type stripping.
class EchoController {
  echo(body: unknown): unknown {
    logger.info('echo handler ran');
    return body;
  }
}
Controller('echo')(EchoController);
Post()(EchoController.prototype, 'echo', Object.getOwnPropertyDescriptor(EchoController.prototype, 'echo')!);
Body()(EchoController.prototype, 'echo', 0);
// eslint-disable-next-line @typescript-eslint/no-extraneous-class -- a Nest module is a class by design
class TestModule {}
Module({ controllers: [EchoController] })(TestModule);

const lines: string[] = [];
const logger = createLogger('test', { destination: { write: (line: string) => lines.push(line) } });
let ready = true;
let databaseChecks = 0;
/** What a driver says when it cannot connect: the URL it was given, password included. */
const DRIVER_MESSAGE = 'connect ECONNREFUSED postgres://anchorpost:hunter2@db.internal:5432/state';

describe('startServiceApp', () => {
  let service: ServiceApp;
  before(async () => {
    service = await startServiceApp({
      service: 'test',
      module: TestModule,
      logger,
      bodyLimitBytes: 64 * 1024,
      readinessIntervalMs: 200,
      readiness: [
        {
          name: 'database',
          check: () => {
            databaseChecks += 1;
            return ready ? Promise.resolve() : Promise.reject(new Error(DRIVER_MESSAGE));
          },
        },
        { name: 'storage', check: () => Promise.resolve() },
      ],
      configure(fastify) {
        fastify.get('/v1/unavailable', () => {
          throw new AnchorpostError('DATABASE_UNAVAILABLE', 'unavailable', DRIVER_MESSAGE, true);
        });
        fastify.get('/v1/bug', () => {
          throw new TypeError(DRIVER_MESSAGE);
        });
        fastify.get('/v1/items/:id', () => ({ ok: true }));
        fastify.post(
          '/v1/named',
          {
            schema: {
              body: {
                type: 'object',
                required: ['name'],
                properties: { name: { type: 'string' } },
                additionalProperties: false,
              },
              querystring: { type: 'object', properties: { limit: { type: 'integer' } } },
            },
          },
          (request) => ({ body: request.body, query: request.query }),
        );
      },
    });
  });
  after(() => service.close());

  it('answers /healthz and gives every response a request id', async () => {
    const response = await fetch(`${service.url}/healthz`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: 'ok' });
    assert.match(response.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    const kept = await fetch(`${service.url}/healthz`, { headers: { 'x-request-id': 'client-42' } });
    assert.equal(kept.headers.get('x-request-id'), 'client-42');
    const forged = await fetch(`${service.url}/healthz`, { headers: { 'x-request-id': 'x'.repeat(500) } });
    assert.notEqual(forged.headers.get('x-request-id'), 'x'.repeat(500));
  });

  it('reports readiness per check on the management port only, 503 when one fails', async () => {
    ready = true;
    await sleep(250);
    assert.equal((await fetch(`${service.url}/readyz`)).status, 200);
    ready = false;
    await sleep(250);
    const bare = await fetch(`${service.url}/readyz`);
    assert.equal(bare.status, 503);
    assert.deepEqual(await bare.json(), { status: 'not-ready' }, 'the public port names no dependency');
    const response = await fetch(`${service.managementUrl!}/readyz`);
    assert.equal(response.status, 503);
    const body = (await response.json()) as { checks: Record<string, { ok: boolean; error?: string }> };
    assert.equal(body.checks.database?.ok, false);
    assert.match(
      body.checks.database.error ?? '',
      /ECONNREFUSED postgres:\/\/anchorpost:\[redacted\]@db\.internal/,
    );
    assert.ok(!JSON.stringify(body).includes('hunter2'));
    assert.equal(body.checks.storage?.ok, true);
    ready = true;
  });

  it('answers /readyz from the last background round: 100 calls, one round of checks per interval', async () => {
    await sleep(50);
    const before = databaseChecks;
    const started = performance.now();
    const answers = await Promise.all(
      Array.from({ length: 100 }, () => fetch(`${service.url}/readyz`).then((r) => r.status)),
    );
    const elapsed = performance.now() - started;
    const rounds = databaseChecks - before;
    // One round per 200 ms while they were answered (plus the one that may have been under way).
    assert.ok(rounds <= Math.ceil(elapsed / 200) + 1, `${rounds} rounds for 100 calls in ${elapsed} ms`);
    assert.ok(answers.every((code) => code === 200 || code === 503));
  });

  it('keeps /metrics off the public port and serves it on the management port', async () => {
    assert.equal((await fetch(`${service.url}/metrics`)).status, 404);
    await fetch(`${service.url}/healthz`);
    const text = await (await fetch(`${service.managementUrl!}/metrics`)).text();
    assert.match(
      text,
      /^anchorpost_test_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} \d+$/m,
    );
    assert.match(text, /^anchorpost_test_process_cpu_seconds_total /m);
    const names = [...text.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]!);
    assert.ok(
      names.every((name) => name.startsWith('anchorpost_test_')),
      names.join(', '),
    );
  });

  it('refuses an oversized body with 413 and logs JSON lines carrying the request id', async () => {
    const big = await fetch(`${service.url}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ x: 'y'.repeat(100 * 1024) }),
    });
    assert.equal(big.status, 413);
    lines.length = 0;
    const small = await fetch(`${service.url}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-7' },
      body: '{"hello":"world"}',
    });
    assert.equal(small.status, 201);
    assert.deepEqual(await small.json(), { hello: 'world' });
    const records = lines.map(
      (line) => JSON.parse(line) as { service: string; requestId?: string; msg: string },
    );
    assert.ok(
      records.some((r) => r.msg === 'echo handler ran' && r.requestId === 'req-7' && r.service === 'test'),
      lines.join(''),
    );
    assert.ok(records.some((r) => r.msg === 'request' && r.requestId === 'req-7'));
  });

  it("answers a dependency's failure with a code, a generic message and the request id; its text goes to the log", async () => {
    for (const [path, status, code] of [
      ['/v1/unavailable', 503, 'DATABASE_UNAVAILABLE'],
      ['/v1/bug', 500, 'INTERNAL'],
    ] as const) {
      lines.length = 0;
      const response = await fetch(`${service.url}${path}`, { headers: { 'x-request-id': `req-${code}` } });
      assert.equal(response.status, status);
      const text = await response.text();
      assert.ok(!text.includes('hunter2') && !text.includes('db.internal'), text);
      const body = JSON.parse(text) as { error: { code: string; message: string; requestId: string } };
      assert.equal(body.error.code, code);
      assert.equal(body.error.requestId, `req-${code}`);
      assert.equal(response.headers.get('x-request-id'), `req-${code}`);
      const logged = lines
        .map((line) => JSON.parse(line) as { requestId?: string; err?: { message?: string } })
        .find((record) => record.err !== undefined);
      assert.equal(logged?.requestId, `req-${code}`);
      assert.match(logged.err?.message ?? '', /postgres:\/\/anchorpost:\[redacted\]@db\.internal:5432/);
      assert.ok(!lines.join('').includes('hunter2'), 'the password is not logged');
    }
  });

  it('answers a method a path does not have with 405 and Allow, and an unknown path with 404', async () => {
    for (const method of ['QUERY', 'DELETE', 'PATCH']) {
      const response = await fetch(`${service.url}/v1/items/42`, { method });
      assert.equal(response.status, 405, method);
      assert.equal(response.headers.get('allow'), 'GET, HEAD');
      const body = (await response.json()) as { error: { code: string; requestId: string } };
      assert.equal(body.error.code, 'METHOD_NOT_ALLOWED');
      assert.equal(body.error.requestId, response.headers.get('x-request-id'));
    }
    assert.equal((await fetch(`${service.url}/v1/nothing-here`, { method: 'PATCH' })).status, 404);
  });

  it('answers an over-long path parameter 400 BAD_REQUEST in the error shape, without echoing it', async () => {
    const long = 'z'.repeat(5000);
    const response = await fetch(`${service.url}/v1/items/${long}`);
    assert.equal(response.status, 400);
    const text = await response.text();
    assert.ok(!text.includes('zzzzzzzzzz'), text);
    const body = JSON.parse(text) as { error: { code: string; field: string; requestId: string } };
    assert.equal(body.error.code, 'BAD_REQUEST');
    assert.equal(body.error.field, 'path');
    assert.equal(body.error.requestId, response.headers.get('x-request-id'));
  });

  it('refuses a JSON body of the wrong type or with an unknown property instead of fixing it; a query string is still read as its type', async () => {
    const post = (body: string, query = '') =>
      fetch(`${service.url}/v1/named${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
    const coerced = await post('{"name":37122}');
    assert.equal(coerced.status, 400);
    assert.equal(((await coerced.json()) as { error: { code: string } }).error.code, 'BAD_REQUEST');
    assert.equal(
      (await post('{"name":"x","extra":1}')).status,
      400,
      'an unknown property is refused, not dropped',
    );
    const right = await post('{"name":"37122"}', '?limit=5');
    assert.equal(right.status, 200);
    assert.deepEqual(await right.json(), { body: { name: '37122' }, query: { limit: 5 } });
  });
});
