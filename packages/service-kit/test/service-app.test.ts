import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
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

describe('startServiceApp', () => {
  let service: ServiceApp;
  before(async () => {
    service = await startServiceApp({
      service: 'test',
      module: TestModule,
      logger,
      bodyLimitBytes: 64 * 1024,
      readiness: [
        {
          name: 'database',
          check: () => (ready ? Promise.resolve() : Promise.reject(new Error('connection refused'))),
        },
        { name: 'storage', check: () => Promise.resolve() },
      ],
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

  it('reports readiness per check, 503 when one fails', async () => {
    ready = true;
    assert.equal((await fetch(`${service.url}/readyz`)).status, 200);
    ready = false;
    const response = await fetch(`${service.url}/readyz`);
    assert.equal(response.status, 503);
    const body = (await response.json()) as { checks: Record<string, { ok: boolean; error?: string }> };
    assert.deepEqual(body.checks.database, { ok: false, error: 'connection refused' });
    assert.equal(body.checks.storage?.ok, true);
    ready = true;
  });

  it('serves Prometheus metrics named anchorpost_<service>_*', async () => {
    await fetch(`${service.url}/healthz`);
    const text = await (await fetch(`${service.url}/metrics`)).text();
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
});
