// The relay's gRPC transport against a real Relay (FileLogBus + Helia in a temp dir) and a real
// grpc-js client over the same .proto files: submit, streams of submits, subscriptions with
// resumable cursors, receipts, the error table and trailers, size limits, health, reflection.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { Metadata, status } from '@grpc/grpc-js';
import type { ClientReadableStream, ServiceError } from '@grpc/grpc-js';
import { cidForBytes, parseTxFile, serializeTxFile } from '@anchorpost/protocol';
import { forgeWithHarvestedSignature } from '@anchorpost/protocol/testing';
import { verifyReceipt } from '@anchorpost/relay-core';
import { receiptFromMessage } from '../src/grpc/relay-messages.ts';
import type {
  GetReceiptResponse,
  SubmitTxFileResponse,
  SubmitTxFilesResponse,
  SubscribeResponse,
} from '../src/grpc/relay-messages.ts';
import { RELAY_SERVICE_NAME } from '../src/grpc/relay-proto.ts';
import { openGrpcFixture, TENANT, trailers } from './grpc-fixture.ts';
import { nonCanonicalVariants } from './non-canonical.ts';
import type { GrpcFixture } from './grpc-fixture.ts';

/** Long enough for a subscription's first pull to fix its start at the end of the log. */
const SETTLE_MS = 300;
/**
 * Files of ~64 KiB for the back-pressure test. A stalled reader holds about 16 (its stream's
 * high-water mark) + one HTTP/2 window + 16 (ours) before we stop pulling: well under half.
 */
const FILES = 96;

function isServiceError(error: unknown): error is ServiceError {
  return error instanceof Error && typeof (error as Partial<ServiceError>).code === 'number';
}

async function refusal(call: Promise<unknown>): Promise<ServiceError> {
  const error = await call.then(
    () => assert.fail('the call succeeded'),
    (caught: unknown) => caught,
  );
  assert.ok(isServiceError(error), String(error));
  return error;
}

/** The next `count` messages of a stream (bounded by the test's own timeout). */
async function take<T>(stream: ClientReadableStream<object>, count: number): Promise<T[]> {
  const out: T[] = [];
  for await (const message of stream as AsyncIterable<T>) {
    out.push(message);
    if (out.length === count) break;
  }
  return out;
}

describe('relay gRPC', { timeout: 120_000 }, () => {
  let f: GrpcFixture;

  before(async () => {
    f = await openGrpcFixture();
  });
  after(async () => {
    await f.close();
  });

  function submit(txFile: Uint8Array, tenantId = TENANT, metadata?: Metadata): Promise<SubmitTxFileResponse> {
    return f.client.unary<SubmitTxFileResponse>('SubmitTxFile', { tenantId, txFile }, metadata);
  }

  it('accepts a tx-file and answers a receipt that verifies against the relay key', async () => {
    const bytes = f.txFile();
    const metadata = new Metadata();
    metadata.set('x-request-id', 'grpc-test-42');
    const { receipt, duplicate } = await submit(bytes, TENANT, metadata);
    assert.equal(duplicate, false);
    assert.equal(receipt.cid, await cidForBytes(bytes));
    assert.equal(receipt.recipientHash, parseTxFile(bytes).recipient.sha512hash);
    assert.equal(typeof receipt.sequence, 'string', 'uint64 as exact decimal text');
    const signed = receiptFromMessage(receipt);
    assert.ok(verifyReceipt(signed, f.relay.publicKey));
    assert.deepEqual(await f.relay.getReceipt(receipt.cid), signed);
    const line = f.logs.find((entry) => entry.method === 'SubmitTxFile');
    assert.equal(line?.requestId, 'grpc-test-42', 'the client request id reaches the logs');
    assert.equal(line.code, 'OK');
  });

  it('answers the same receipt with duplicate=true for the same bytes', async () => {
    const bytes = f.txFile('twice');
    const first = await submit(bytes);
    const again = await submit(bytes);
    assert.equal(first.duplicate, false);
    assert.equal(again.duplicate, true);
    assert.deepEqual(again.receipt, first.receipt);
  });

  it('answers GetReceipt, and NOT_FOUND with its code trailer for an unknown cid', async () => {
    const { receipt } = await submit(f.txFile('look me up'));
    const found = await f.client.unary<GetReceiptResponse>('GetReceipt', { cid: receipt.cid });
    assert.deepEqual(found.receipt, receipt);
    const unknown = await cidForBytes(new TextEncoder().encode('never submitted'));
    const error = await refusal(f.client.unary('GetReceipt', { cid: unknown }));
    assert.equal(error.code, status.NOT_FOUND);
    assert.deepEqual(trailers(error)['anchorpost-error-code'], 'NOT_FOUND');
  });

  it('maps each malformed class to its status with the exact code, field and retryable trailers', async () => {
    const text = new TextDecoder().decode(f.txFile('malformed'));
    const utf8 = (value: string): Uint8Array => new TextEncoder().encode(value);
    const parsed = parseTxFile(f.txFile('signed'));
    const otherSignature = parseTxFile(f.txFile('other')).client.signature;
    const notUtf8 = utf8(text);
    notUtf8[notUtf8.indexOf(0x68)] = 0xff;
    const cases: [string, Uint8Array, string, status, string | undefined][] = [
      [
        'alias',
        utf8(text.replace("version: '0.2'", 'version: *v')),
        'YAML_ALIAS',
        status.INVALID_ARGUMENT,
        '-',
      ],
      [
        'duplicate key',
        utf8(text.replace("version: '0.2'", "version: '0.2'\n  version: '0.2'")),
        'YAML_DUPLICATE_KEY',
        status.INVALID_ARGUMENT,
        'transaction.version',
      ],
      [
        'tag',
        utf8(text.replace("version: '0.2'", "version: !!str '0.2'")),
        'YAML_TAG',
        status.INVALID_ARGUMENT,
        '-',
      ],
      ['not UTF-8', notUtf8, 'NOT_UTF8', status.INVALID_ARGUMENT, '-'],
      [
        'wrong version',
        utf8(text.replace("version: '0.2'", "version: '0.3'")),
        'UNKNOWN_VERSION',
        status.INVALID_ARGUMENT,
        'transaction.version',
      ],
      [
        'bad signature',
        serializeTxFile({ ...parsed, client: { ...parsed.client, signature: otherSignature } }),
        'BAD_SIGNATURE',
        status.INVALID_ARGUMENT,
        'transaction.client.signature',
      ],
    ];
    for (const [name, bytes, code, grpcStatus, field] of cases) {
      const error = await refusal(submit(bytes));
      assert.equal(error.code, grpcStatus, name);
      const got = trailers(error);
      assert.equal(got['anchorpost-error-code'], code, name);
      assert.equal(got['anchorpost-error-field'], field, name);
      assert.equal(got['anchorpost-error-retryable'], 'false', name);
      assert.ok(error.details.length > 0, name);
    }
    const otherTenant = await refusal(submit(f.txFile('stranger'), 'nobody'));
    assert.equal(otherTenant.code, status.UNAUTHENTICATED);
    assert.equal(trailers(otherTenant)['anchorpost-error-code'], 'UNAUTHENTICATED');
  });

  it('refuses a file forged under a harvested client signature (BAD_SIGNATURE) and a v0.1 file (LEGACY_TX_FILE): no receipt, nothing pinned', async () => {
    const victim = f.txFile('pay Bob 10');
    await submit(victim);
    const donor = f.txFile('pay Mallory 10 000', await f.newGroup());
    const forged = forgeWithHarvestedSignature(victim, donor);
    const legacy = await f.legacyTxFile('written the v0.1 way');
    const cases: [Uint8Array, string, string][] = [
      [forged, 'BAD_SIGNATURE', 'transaction.client.signature'],
      [legacy, 'LEGACY_TX_FILE', 'transaction.version'],
    ];
    for (const [bytes, code, field] of cases) {
      const error = await refusal(submit(bytes));
      assert.equal(error.code, status.INVALID_ARGUMENT, code);
      assert.deepEqual(trailers(error), {
        ...trailers(error),
        'anchorpost-error-code': code,
        'anchorpost-error-field': field,
        'anchorpost-error-retryable': 'false',
      });
      const cid = await cidForBytes(bytes);
      assert.equal(await f.relay.getReceipt(cid), null, `${code}: no receipt`);
      await assert.rejects(f.relay.getTxFile(cid), { code: 'NOT_FOUND' }, `${code}: nothing pinned`);
    }
  });

  it('refuses the same message with a comment, or reordered keys and whitespace (INVALID_ARGUMENT, NOT_CANONICAL), and accepts the canonical bytes', async () => {
    const canonical = f.txFile('one message, one CID');
    for (const variant of nonCanonicalVariants(canonical)) {
      const error = await refusal(submit(variant));
      assert.equal(error.code, status.INVALID_ARGUMENT);
      const got = trailers(error);
      assert.equal(got['anchorpost-error-code'], 'NOT_CANONICAL');
      assert.equal(got['anchorpost-error-field'], '-');
      assert.equal(got['anchorpost-error-retryable'], 'false');
      assert.match(error.details, /not the canonical serialization/);
    }
    const { receipt, duplicate } = await submit(canonical);
    assert.equal(duplicate, false);
    assert.equal(receipt.cid, await cidForBytes(canonical));
  });

  it('refuses a second file at the same chain position (ALREADY_EXISTS, STATE_FORK); the first one again gets its receipt', async () => {
    const group = await f.newGroup();
    const first = f.txFile('the head of a fresh chain', group);
    const { before } = parseTxFile(first).state;
    const accepted = await submit(first);
    assert.equal(accepted.duplicate, false);

    const fork = f.txFileAt('another file at the same position', group, before);
    const error = await refusal(submit(fork));
    assert.equal(error.code, status.ALREADY_EXISTS);
    const got = trailers(error);
    assert.equal(got['anchorpost-error-code'], 'STATE_FORK');
    assert.equal(got['anchorpost-error-retryable'], 'false');
    assert.match(error.details, new RegExp(accepted.receipt.cid));
    assert.equal(await f.relay.getReceipt(await cidForBytes(fork)), null, 'no receipt for the fork');

    const again = await submit(first);
    assert.deepEqual(again, { receipt: accepted.receipt, duplicate: true });
    // In a stream too: one result per file, the fork refused with its code.
    const stream = f.client.bidi('SubmitTxFiles');
    const results: SubmitTxFilesResponse[] = [];
    stream.on('data', (message: SubmitTxFilesResponse) => results.push(message));
    const ended = once(stream, 'status');
    for (const txFile of [fork, f.txFile('the next one', group)]) stream.write({ tenantId: TENANT, txFile });
    stream.end();
    await ended;
    assert.deepEqual(
      results.map((r) => (r.receipt ? 'accepted' : r.error?.code)),
      ['STATE_FORK', 'accepted'],
    );
  });

  it('refuses an oversized message with RESOURCE_EXHAUSTED, and the next submit still works', async () => {
    const error = await refusal(submit(new Uint8Array(2 * 1024 * 1024).fill(0x61)));
    assert.equal(error.code, status.RESOURCE_EXHAUSTED);
    const { duplicate } = await submit(f.txFile('after the big one'));
    assert.equal(duplicate, false);
  });

  it('answers a stream of files one result each, in order, a bad one not affecting the others', async () => {
    const files = [f.txFile('s1'), new TextEncoder().encode('transaction: [unclosed\n'), f.txFile('s3')];
    const stream = f.client.bidi('SubmitTxFiles');
    const results: SubmitTxFilesResponse[] = [];
    stream.on('data', (message: SubmitTxFilesResponse) => results.push(message));
    const ended = once(stream, 'status');
    for (const txFile of files) stream.write({ tenantId: TENANT, txFile });
    stream.write({ tenantId: 'nobody', txFile: f.txFile('s4') });
    stream.end();
    const [finalStatus] = (await ended) as [{ code: status }];
    assert.equal(finalStatus.code, status.OK);
    assert.deepEqual(
      results.map((r) => [r.index, r.receipt ? 'accepted' : r.error?.code]),
      [
        ['0', 'accepted'],
        ['1', 'YAML_SYNTAX'],
        ['2', 'accepted'],
        ['3', 'UNAUTHENTICATED'],
      ],
    );
    assert.equal(results[1]?.error?.retryable, false);
    for (const [i, at] of [
      [0, 0],
      [2, 2],
    ] as const) {
      const receipt = receiptFromMessage(results[i]!.receipt!);
      assert.equal(receipt.cid, await cidForBytes(files[at]!));
      assert.ok(verifyReceipt(receipt, f.relay.publicKey));
    }
  });

  it('delivers files submitted after subscribing, and a reconnect with the cursor gets exactly the missed ones', async () => {
    const group = await f.newGroup();
    const recipientHash = parseTxFile(f.txFile('probe', group)).recipient.sha512hash;
    // Subscribed before the tenant sends there: the operator registered the recipient for it.
    await f.administration.registerRecipient(TENANT, recipientHash);
    const live = f.client.serverStream('Subscribe', { recipientHash });
    const firstTwo = take<SubscribeResponse>(live, 2);
    await sleep(SETTLE_MS);
    const sent = [f.txFile('one', group), f.txFile('two', group)];
    for (const bytes of sent) await submit(bytes);
    const delivered = await firstTwo;
    live.cancel();
    assert.deepEqual(
      delivered.map((d) => d.cid),
      await Promise.all(sent.map((bytes) => cidForBytes(bytes))),
    );
    assert.ok(Buffer.from(delivered[0]!.txFile).equals(sent[0]!), 'the exact bytes');
    assert.ok(verifyReceipt(receiptFromMessage(delivered[1]!.receipt), f.relay.publicKey));

    // Missed while disconnected: two files after the first delivery's cursor.
    const missed = [f.txFile('three', group), f.txFile('four', group)];
    for (const bytes of missed) await submit(bytes);
    const resumed = f.client.serverStream('Subscribe', { recipientHash, cursor: delivered[1]!.cursor });
    const next = take<SubscribeResponse>(resumed, 3);
    const later = f.txFile('five', group);
    await sleep(SETTLE_MS);
    await submit(later);
    const got = await next;
    resumed.cancel();
    assert.deepEqual(
      got.map((d) => d.cid),
      await Promise.all([...missed, later].map((bytes) => cidForBytes(bytes))),
      'each missed file once, then live ones',
    );
  });

  it("names the start cursor in Subscribe's response headers: a reconnect with it gets what came meanwhile", async () => {
    const group = await f.newGroup();
    const recipientHash = parseTxFile(f.txFile('probe', group)).recipient.sha512hash;
    await f.administration.registerRecipient(TENANT, recipientHash);
    const live = f.client.serverStream('Subscribe', { recipientHash });
    const [headers] = (await once(live, 'metadata')) as [Metadata];
    const [start] = headers.get('anchorpost-cursor');
    assert.equal(typeof start, 'string', 'the headers name where the stream starts');
    // Cut off before any file came: the files sent since come after that cursor.
    live.on('error', () => undefined);
    live.cancel();
    const meanwhile = [f.txFile('one', group), f.txFile('two', group)];
    for (const bytes of meanwhile) await submit(bytes);
    const resumed = f.client.serverStream('Subscribe', { recipientHash, cursor: start });
    const [again] = (await once(resumed, 'metadata')) as [Metadata];
    assert.deepEqual(again.get('anchorpost-cursor'), [start], 'a resumed stream starts at its cursor');
    const got = await take<SubscribeResponse>(resumed, 2);
    resumed.cancel();
    assert.deepEqual(
      got.map((d) => d.cid),
      await Promise.all(meanwhile.map((bytes) => cidForBytes(bytes))),
    );
  });

  it('refuses a bad recipient hash on Subscribe with INVALID_ARGUMENT BAD_REQUEST, as HTTP does', async () => {
    const stream = f.client.serverStream('Subscribe', { recipientHash: 'not-a-hash' });
    const error = await refusal(take(stream, 1));
    assert.equal(error.code, status.INVALID_ARGUMENT);
    assert.equal(trailers(error)['anchorpost-error-code'], 'BAD_REQUEST');
    assert.equal(trailers(error)['anchorpost-error-field'], 'recipient_hash');
  });

  it('serves health (SERVING) and reflection listing the relay service', async () => {
    for (const service of ['', RELAY_SERVICE_NAME]) {
      const answer = await f.client.unary<{ status: string }>('HealthCheck', { service });
      assert.equal(answer.status, 'SERVING', service);
    }
    const reflection = f.client.bidi('ServerReflectionInfo');
    reflection.write({ list_services: '' });
    reflection.end();
    const [answer] = (await once(reflection, 'data')) as [
      { list_services_response?: { service: { name: string }[] } },
    ];
    const names = answer.list_services_response?.service.map((s) => s.name) ?? [];
    assert.ok(names.includes(RELAY_SERVICE_NAME), names.join(', '));
  });

  it('counts calls by method and status code', async () => {
    const text = await f.metrics.registry.metrics();
    assert.match(text, /anchorpost_relay_grpc_requests_total\{method="SubmitTxFile",code="OK"\} [1-9]/);
    assert.match(text, /anchorpost_relay_grpc_requests_total\{method="GetReceipt",code="NOT_FOUND"\} 1/);
  });
});

describe('relay gRPC size limits', { timeout: 60_000 }, () => {
  it("derives the message limit from the relay's tx-file limit; between the two the relay answers TOO_LARGE", async () => {
    const f = await openGrpcFixture({ maxTxFileBytes: 20_000 });
    try {
      const submit = (txFile: Uint8Array): Promise<unknown> =>
        f.client.unary('SubmitTxFile', { tenantId: TENANT, txFile });
      const overFile = await refusal(submit(f.txFile('x'.repeat(30_000))));
      assert.equal(overFile.code, status.RESOURCE_EXHAUSTED);
      assert.equal(trailers(overFile)['anchorpost-error-code'], 'TOO_LARGE');
      const overMessage = await refusal(submit(new Uint8Array(20_000 + 70_000)));
      assert.equal(overMessage.code, status.RESOURCE_EXHAUSTED);
      assert.equal(trailers(overMessage)['anchorpost-error-code'], undefined, 'refused by grpc-js itself');
      await submit(f.txFile('small'));
    } finally {
      await f.close();
    }
  });
});

describe('relay gRPC shutdown', { timeout: 60_000 }, () => {
  it('ends open subscriptions with UNAVAILABLE, stops serving, and close() is idempotent', async () => {
    const f = await openGrpcFixture({ shutdownTimeoutMs: 10_000 });
    try {
      const recipientHash = parseTxFile(f.txFile()).recipient.sha512hash;
      await f.administration.registerRecipient(TENANT, recipientHash);
      const stream = f.client.serverStream('Subscribe', { recipientHash });
      const ended = refusal(take(stream, 1));
      await sleep(SETTLE_MS);
      const started = performance.now();
      const closing = f.server.close();
      assert.equal(f.server.close(), closing, 'the same close');
      await closing;
      assert.ok(performance.now() - started < 5_000, 'no waiting for the shutdown timeout');
      const error = await ended;
      assert.equal(error.code, status.UNAVAILABLE);
      assert.equal(trailers(error)['anchorpost-error-retryable'], 'true');
      const after = await refusal(f.client.unary('HealthCheck', { service: '' }));
      assert.equal(after.code, status.UNAVAILABLE);
    } finally {
      await f.close();
    }
  });
});

describe('relay gRPC back-pressure', { timeout: 60_000 }, () => {
  it('stops pulling deliveries for a subscriber that does not read, and loses none once it does', async () => {
    let pulled = 0;
    const f = await openGrpcFixture({}, (relay) => ({
      submit: (bytes, context) => relay.submit(bytes, context),
      getReceipt: (cid) => relay.getReceipt(cid),
      subscriptionStart: (recipientHash, cursor) => relay.subscriptionStart(recipientHash, cursor),
      async *subscribe(recipientHash, options) {
        for await (const delivered of relay.subscribe(recipientHash, options)) {
          pulled += 1;
          yield delivered;
        }
      },
    }));
    try {
      const files = Array.from({ length: FILES }, (_, i) => f.txFile(`${i} `.padEnd(48_000, 'x')));
      const recipientHash = parseTxFile(files[0]!).recipient.sha512hash;
      await f.administration.registerRecipient(TENANT, recipientHash);
      const stream = f.client.serverStream('Subscribe', { recipientHash });
      // grpc-js asks for messages only once read from: a read(0) starts reading, and the stream then
      // stops at its high-water mark like any slow consumer.
      stream.pause();
      stream.read(0);
      await sleep(SETTLE_MS);
      for (const bytes of files) await submit(bytes);
      await sleep(SETTLE_MS * 2);
      assert.ok(pulled < FILES / 2, `pulled ${pulled} of ${FILES} for a subscriber that reads nothing`);
      stream.resume();
      const got = await take<SubscribeResponse>(stream, FILES);
      stream.cancel();
      assert.deepEqual(
        got.map((d) => d.cid),
        await Promise.all(files.map((bytes) => cidForBytes(bytes))),
      );
    } finally {
      await f.close();
    }

    function submit(bytes: Uint8Array): Promise<unknown> {
      return f.client.unary('SubmitTxFile', { tenantId: TENANT, txFile: bytes });
    }
  });
});
