import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Module } from '@nestjs/common';
import { startServiceApp, type ServiceApp } from '../src/service-app.ts';
import { ProtocolError } from '@anchorpost/protocol';
import { createLogger } from '../src/logger.ts';

// eslint-disable-next-line @typescript-eslint/no-extraneous-class -- a Nest module is a class by design
class EmptyModule {}
Module({})(EmptyModule);

interface Operation {
  summary: string;
  parameters: { name: string; in: string; required: boolean }[];
}

const lines: string[] = [];

describe('/openapi.json and error bodies', () => {
  let service: ServiceApp;
  before(async () => {
    service = await startServiceApp({
      service: 'openapi-test',
      module: EmptyModule,
      logger: createLogger('test', { destination: { write: (line: string) => lines.push(line) } }),
      openapi: { title: 'Test API', version: '1' },
      configure(fastify) {
        fastify.get(
          '/v1/things/:id',
          {
            schema: {
              summary: 'One thing',
              params: { type: 'object', properties: { id: { type: 'string', pattern: '^[a-z]+$' } } },
              querystring: {
                type: 'object',
                properties: { limit: { type: 'integer', minimum: 1 } },
                required: ['limit'],
              },
              response: { 200: { type: 'object', properties: { id: { type: 'string' } } } },
            },
          },
          (request) => ({ id: (request.params as { id: string }).id }),
        );
        fastify.get('/internal/not-documented', () => ({}));
        fastify.get('/x/refused', () => {
          throw new ProtocolError('YAML_ALIAS', 'recipient', 'aliases are not allowed');
        });
        fastify.get('/x/broken', () => {
          throw new Error('password=hunter2');
        });
        fastify.post('/x/small', { bodyLimit: 16 }, () => ({ ok: true }));
      },
    });
  });
  after(() => service.close());

  it('describes each /v1 route from the schema it validates with', async () => {
    const doc = (await (await fetch(`${service.url}/openapi.json`)).json()) as {
      openapi: string;
      info: { title: string };
      paths: Record<string, Record<string, Operation>>;
    };
    assert.equal(doc.openapi, '3.1.0');
    assert.equal(doc.info.title, 'Test API');
    assert.deepEqual(Object.keys(doc.paths), ['/v1/things/{id}']);
    const get = doc.paths['/v1/things/{id}']!.get!;
    assert.equal(get.summary, 'One thing');
    assert.deepEqual(
      get.parameters.map((p) => [p.name, p.in, p.required]),
      [
        ['id', 'path', true],
        ['limit', 'query', true],
      ],
    );
    // The schema is the one the route enforces.
    assert.equal((await fetch(`${service.url}/v1/things/UPPER?limit=1`)).status, 400);
    assert.equal((await fetch(`${service.url}/v1/things/lower?limit=1`)).status, 200);
  });

  it('answers every refusal with its stable code, and hides a bug behind INTERNAL', async () => {
    const refused = await fetch(`${service.url}/x/refused`);
    assert.equal(refused.status, 400);
    assert.deepEqual(await refused.json(), {
      error: {
        code: 'YAML_ALIAS',
        field: 'recipient',
        message: 'aliases are not allowed',
        retryable: false,
        requestId: refused.headers.get('x-request-id'),
      },
    });
    const invalid = await fetch(`${service.url}/v1/things/lower`);
    assert.equal(invalid.status, 400);
    const body = (await invalid.json()) as { error: { code: string; field: string } };
    assert.equal(body.error.code, 'BAD_REQUEST');
    assert.equal(body.error.field, 'querystring.limit');
    const big = await fetch(`${service.url}/x/small`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ padding: 'x'.repeat(100) }),
    });
    assert.equal(big.status, 413);
    assert.equal(((await big.json()) as { error: { code: string } }).error.code, 'TOO_LARGE');
    const broken = await fetch(`${service.url}/x/broken`);
    assert.equal(broken.status, 500);
    const text = await broken.text();
    assert.doesNotMatch(text, /hunter2/);
    assert.match(text, /"code":"INTERNAL"/);
    assert.ok(lines.some((line) => line.includes('"msg":"request failed"')));
  });
});
