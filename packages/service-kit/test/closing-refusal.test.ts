// A request that reaches a closing service — on a keep-alive connection that was busy when the
// listener stopped — is refused 503 UNAVAILABLE, retryable, in the error shape, not in Fastify's own
// shape (no code, no `retryable`), which a client following the contract takes for a final refusal.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { it } from 'node:test';
import { Module } from '@nestjs/common';
import { createLogger } from '../src/logger.ts';
import { startServiceApp } from '../src/service-app.ts';

// eslint-disable-next-line @typescript-eslint/no-extraneous-class -- a Nest module is a class by design
class EmptyModule {}
Module({})(EmptyModule);

it('answers a request that arrives while it closes 503 UNAVAILABLE, retryable, with Connection: close', async () => {
  let entered!: () => void;
  const slowEntered = new Promise<void>((resolve) => (entered = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const service = await startServiceApp({
    service: 'test',
    module: EmptyModule,
    logger: createLogger('test', { destination: { write: () => undefined } }),
    management: false,
    handleSignals: false,
    configure(fastify) {
      fastify.get('/v1/slow', async () => {
        entered();
        await released;
        return { slow: 'done' };
      });
      fastify.get('/v1/quick', () => ({ quick: 'done' }));
    },
  });
  const { hostname, port } = new URL(service.url);
  const socket = connect(Number(port), hostname);
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (received += chunk));
  const ended = new Promise((resolve) => socket.once('close', resolve));
  const request = (path: string) => `GET ${path} HTTP/1.1\r\nHost: test\r\nConnection: keep-alive\r\n\r\n`;
  socket.write(request('/v1/slow'));
  await slowEntered;
  // The service begins to close while the first request is in flight; the second arrives after.
  const closed = service.close();
  await new Promise((resolve) => setTimeout(resolve, 100));
  socket.write(request('/v1/quick'));
  await new Promise((resolve) => setTimeout(resolve, 100));
  release();
  await Promise.all([closed, ended]);
  const [first, second] = received.split(/(?=HTTP\/1\.1 )/);
  assert.match(first!, /^HTTP\/1\.1 200 /);
  assert.match(first!, /\{"slow":"done"\}$/);
  assert.match(second!, /^HTTP\/1\.1 503 /);
  assert.match(second!, /\r\nconnection: close\r\n/i);
  const body = JSON.parse(second!.slice(second!.indexOf('\r\n\r\n') + 4)) as {
    error: { code: string; retryable: boolean; requestId: string };
  };
  assert.equal(body.error.code, 'UNAVAILABLE');
  assert.equal(body.error.retryable, true);
  assert.match(body.error.requestId, /^[0-9a-f-]{36}$/);
});
