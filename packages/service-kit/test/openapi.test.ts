import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Module } from '@nestjs/common';
import { startServiceApp, type ServiceApp } from '../src/service-app.ts';
import { createLogger } from '../src/logger.ts';

// eslint-disable-next-line @typescript-eslint/no-extraneous-class -- a Nest module is a class by design
class EmptyModule {}
Module({})(EmptyModule);

interface Operation {
  summary: string;
  parameters: { name: string; in: string; required: boolean }[];
}

describe('/openapi.json', () => {
  let service: ServiceApp;
  before(async () => {
    service = await startServiceApp({
      service: 'openapi-test',
      module: EmptyModule,
      logger: createLogger('test', { destination: { write: () => undefined } }),
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
});
