// Every gRPC call but GetReceipt needs an API key in the `authorization` metadata, and every way
// of failing gets one answer (status, details and trailers byte for byte): no key, a made-up
// key, a wrong secret, a revoked key, a key without the scope, another tenant's id in the
// request, a client the tenant does not have.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { Metadata, status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { fingerprint } from '@anchorpost/protocol';
import { openGrpcFixture, TENANT, GrpcTestClient } from './grpc-fixture.ts';
import type { GrpcFixture } from './grpc-fixture.ts';

function bearer(key: string): Metadata {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${key}`);
  return metadata;
}

async function answer(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    const { code, details, metadata } = error as ServiceError;
    // The request id is a fresh random one per call and the date a clock's: neither tells anything
    // about the key (and the date may tick between two calls).
    const { 'x-request-id': requestId, date, ...trailers } = metadata.getMap();
    assert.equal(typeof requestId, 'string');
    assert.equal(typeof date, 'string');
    return JSON.stringify({ code, details, trailers });
  }
  assert.fail('expected a refusal');
}

describe('relay gRPC authentication', () => {
  let f: GrpcFixture;
  let anonymous: GrpcTestClient;

  before(async () => {
    f = await openGrpcFixture();
    anonymous = new GrpcTestClient(f.server.url);
  });
  after(async () => {
    anonymous.close();
    await f.close();
  });

  it('gives every failure one UNAUTHENTICATED answer that names nothing', async () => {
    const revoked = await f.administration.issueApiKey(TENANT, ['submit']);
    await f.administration.revokeApiKey(revoked.id);
    const subscribeOnly = await f.administration.issueApiKey(TENANT, ['subscribe']);
    const [, id] = /^apk_([0-9a-f]{16})_/.exec(f.apiKey)!;
    const submit = (client: GrpcTestClient, tenantId: string, metadata?: Metadata) =>
      client.unary('SubmitTxFile', { tenantId, txFile: f.txFile(`try ${Math.random()}`) }, metadata);

    const answers = [
      await answer(submit(anonymous, TENANT)),
      await answer(submit(anonymous, '')),
      await answer(submit(anonymous, TENANT, bearer(f.apiKey.replace(id!, 'ffffffffffffffff')))),
      await answer(submit(anonymous, TENANT, bearer(`${f.apiKey.slice(0, -3)}AAA`))),
      await answer(submit(anonymous, TENANT, bearer(revoked.key))),
      await answer(submit(anonymous, TENANT, bearer(subscribeOnly.key))),
      await answer(submit(f.client, 'another-tenant')),
    ];
    await f.administration.removeClientKey(TENANT, fingerprint(f.app.public));
    answers.push(await answer(submit(f.client, TENANT)));
    assert.deepEqual(new Set(answers).size, 1, answers.join('\n'));
    const parsed = JSON.parse(answers[0]!) as {
      code: number;
      details: string;
      trailers: Record<string, string>;
    };
    assert.equal(parsed.code, status.UNAUTHENTICATED);
    assert.equal(parsed.details, 'missing or invalid credentials');
    assert.equal(parsed.trailers['anchorpost-error-code'], 'UNAUTHENTICATED');
    assert.equal(parsed.trailers['anchorpost-error-retryable'], 'false');
  });

  it('ends an unauthenticated Subscribe and SubmitTxFiles stream before anything is delivered or read', async () => {
    const subscription = anonymous.serverStream('Subscribe', { recipientHash: 'a'.repeat(128) });
    const messages: unknown[] = [];
    subscription.on('data', (message) => messages.push(message));
    const [subscribeError] = (await once(subscription, 'error')) as [ServiceError];
    assert.equal(subscribeError.code, status.UNAUTHENTICATED);
    assert.deepEqual(messages, []);

    const stream = anonymous.bidi('SubmitTxFiles');
    const results: unknown[] = [];
    stream.on('data', (message) => results.push(message));
    stream.on('error', () => undefined);
    // Not events.once: it rejects on the 'error' the stream emits first.
    const ended = new Promise((resolve) =>
      stream.on('status', (value) => {
        resolve([value]);
      }),
    );
    stream.write({ tenantId: TENANT, txFile: f.txFile('never read') });
    stream.end();
    const [final] = (await ended) as [{ code: status; details: string }];
    assert.equal(final.code, status.UNAUTHENTICATED);
    assert.equal(final.details, 'missing or invalid credentials');
    assert.deepEqual(results, []);
  });
});
