// What a caller of the gRPC API can make the relay say and log: every field is checked as HTTP
// checks it, before anything reads it, and a refusal never quotes a huge value back nor writes it
// into a log line; a dependency's failure is answered with a code, a generic message and the
// request id in the trailers, its text (secrets redacted) going to the log under that id.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Metadata, status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { AnchorpostError } from '@anchorpost/protocol';
import { openGrpcFixture, trailers } from './grpc-fixture.ts';
import type { GrpcFixture } from './grpc-fixture.ts';

const MIB = 1024 * 1024;
const DRIVER_MESSAGE = 'connection to postgres://anchorpost:hunter2@db.internal:5432/state refused';

async function refusal(call: Promise<unknown>): Promise<ServiceError> {
  return call.then(
    () => assert.fail('expected a refusal'),
    (error: unknown) => error as ServiceError,
  );
}

function longestLogLine(f: GrpcFixture): number {
  return Math.max(...f.logs.map((record) => JSON.stringify(record).length));
}

describe('relay gRPC field checks and error answers', () => {
  let f: GrpcFixture;
  let receiptsDown = false;

  before(async () => {
    f = await openGrpcFixture({}, (relay) => ({
      submit: (...args) => relay.submit(...args),
      subscriptionStart: (recipientHash, cursor) => relay.subscriptionStart(recipientHash, cursor),
      subscribe: (...args) => relay.subscribe(...args),
      getReceipt: (cid) =>
        receiptsDown
          ? Promise.reject(new AnchorpostError('DATABASE_UNAVAILABLE', 'unavailable', DRIVER_MESSAGE, true))
          : relay.getReceipt(cid),
    }));
  });
  after(() => f.close());

  it('refuses a 1 MiB tenant_id with INVALID_ARGUMENT BAD_REQUEST, a short message and a short log line', async () => {
    const error = await refusal(
      f.client.unary('SubmitTxFile', { tenantId: 'a'.repeat(MIB), txFile: f.txFile('huge tenant') }),
    );
    assert.equal(error.code, status.INVALID_ARGUMENT);
    assert.equal(trailers(error)['anchorpost-error-code'], 'BAD_REQUEST');
    assert.equal(trailers(error)['anchorpost-error-field'], 'tenant_id');
    assert.ok(error.details.length < 200, error.details);
    assert.ok(longestLogLine(f) < 2048, `a log line of ${longestLogLine(f)} characters`);
  });

  it('refuses a 1 MiB cid with INVALID_ARGUMENT BAD_REQUEST, and a malformed short one with BAD_CID', async () => {
    const huge = await refusal(f.client.unary('GetReceipt', { cid: 'b'.repeat(MIB) }));
    assert.equal(huge.code, status.INVALID_ARGUMENT);
    assert.equal(trailers(huge)['anchorpost-error-code'], 'BAD_REQUEST');
    assert.equal(trailers(huge)['anchorpost-error-field'], 'cid');
    assert.ok(huge.details.length < 200, huge.details);
    const bad = await refusal(f.client.unary('GetReceipt', { cid: 'bafynotacid' }));
    assert.equal(bad.code, status.INVALID_ARGUMENT);
    assert.equal(trailers(bad)['anchorpost-error-code'], 'BAD_CID');
    assert.ok(longestLogLine(f) < 2048, `a log line of ${longestLogLine(f)} characters`);
  });

  it('refuses a bad recipient hash and an over-long cursor on Subscribe, and a bad tenant_id in a stream', async () => {
    for (const request of [
      { recipientHash: 'c'.repeat(MIB) },
      { recipientHash: 'not-hex' },
      { recipientHash: 'a'.repeat(128), cursor: 'd'.repeat(4096) },
    ]) {
      const stream = f.client.serverStream('Subscribe', request);
      const error = await new Promise<ServiceError>((resolve) => {
        stream.on('error', resolve);
        stream.on('data', () => undefined);
      });
      assert.equal(error.code, status.INVALID_ARGUMENT);
      assert.equal(trailers(error)['anchorpost-error-code'], 'BAD_REQUEST');
      assert.ok(error.details.length < 200);
    }
    const stream = f.client.bidi('SubmitTxFiles');
    const responses: { error?: { code: string; field: string } }[] = [];
    stream.on('data', (response: { error?: { code: string; field: string } }) => responses.push(response));
    stream.write({ tenantId: 'e'.repeat(MIB / 2), txFile: f.txFile('in a stream') });
    stream.end();
    await new Promise((resolve) => stream.on('end', resolve));
    assert.deepEqual(
      responses.map((response) => [response.error?.code, response.error?.field]),
      [['BAD_REQUEST', 'tenant_id']],
    );
    assert.ok(longestLogLine(f) < 2048, `a log line of ${longestLogLine(f)} characters`);
  });

  it("answers a dependency's failure with a generic message and the request id; the log has its text, redacted", async () => {
    receiptsDown = true;
    try {
      const metadata = new Metadata();
      metadata.set('x-request-id', 'grpc-req-1');
      f.logs.length = 0;
      const { receipt } = await f.relay
        .submit(f.txFile('for the outage'), { tenantId: 'acme' })
        .then((result) => ({ receipt: result.receipt }));
      const error = await refusal(f.client.unary('GetReceipt', { cid: receipt.cid }, metadata));
      assert.equal(error.code, status.UNAVAILABLE);
      const answer = JSON.stringify({ details: error.details, trailers: trailers(error) });
      assert.ok(!answer.includes('hunter2') && !answer.includes('db.internal'), answer);
      assert.equal(trailers(error)['anchorpost-error-code'], 'DATABASE_UNAVAILABLE');
      assert.equal(trailers(error)['x-request-id'], 'grpc-req-1');
      const logged = f.logs.find((record) => record['err'] !== undefined);
      assert.equal(logged?.['requestId'], 'grpc-req-1');
      assert.match(
        String((logged['err'] as { message?: string } | undefined)?.message),
        /postgres:\/\/anchorpost:\[redacted\]@db\.internal:5432/,
      );
      assert.ok(!JSON.stringify(f.logs).includes('hunter2'), 'the password is not logged');
    } finally {
      receiptsDown = false;
    }
  });
});
