// The relay's HTTP API over a real Relay (FileLogBus, Helia, PGlite): submit, dedup, receipts,
// bytes, SSE with resume, every malformed class, 413 before buffering, and /openapi.json.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { cidForBytes, parseTxFile } from '@anchorpost/protocol';
import { forgeWithHarvestedSignature, malformedTxFiles } from '@anchorpost/protocol/testing';
import { nonCanonicalVariants } from './non-canonical.ts';
import { openRelayServiceFixture, readSse, type RelayServiceFixture } from './relay-service-fixture.ts';

interface SubmitBody {
  receipt: { cid: string; sequence: number; signature: string; recipientHash: string };
  duplicate: boolean;
}
interface ErrorBody {
  error: { code: string; field?: string; retryable: boolean };
}

describe('relay HTTP API', { timeout: 120_000 }, () => {
  let f: RelayServiceFixture;
  let http: string;

  const submit = (bytes: Uint8Array, headers: Record<string, string> = {}) =>
    fetch(`${http}/v1/tx-files`, {
      method: 'POST',
      headers: { 'content-type': 'application/yaml', ...f.auth, ...headers },
      body: bytes,
    });

  before(async () => {
    f = await openRelayServiceFixture();
    http = f.service.urls.http!;
  });
  after(() => f.close());

  it('accepts a tx-file (201 + signed receipt), and the same bytes again give the same receipt once', async () => {
    const bytes = await f.txFile('hello');
    const first = await submit(bytes);
    assert.equal(first.status, 201);
    const a = (await first.json()) as SubmitBody;
    assert.equal(a.duplicate, false);
    assert.equal(a.receipt.recipientHash, parseTxFile(bytes).recipient.sha512hash);
    const again = await submit(bytes);
    assert.equal(again.status, 200);
    const b = (await again.json()) as SubmitBody;
    assert.deepEqual(b, { receipt: a.receipt, duplicate: true });

    const receipt = await fetch(`${http}/v1/receipts/${a.receipt.cid}`);
    assert.deepEqual(await receipt.json(), { receipt: a.receipt });
    const stored = await fetch(`${http}/v1/tx-files/${a.receipt.cid}`);
    assert.equal(stored.status, 200);
    assert.match(stored.headers.get('content-type') ?? '', /application\/yaml/);
    assert.deepEqual(new Uint8Array(await stored.arrayBuffer()), bytes);
  });

  it('refuses every malformed class with its stable code, and a bad signature', async () => {
    const valid = await f.txFile('template');
    for (const c of malformedTxFiles(valid)) {
      const response = await submit(c.bytes);
      const body = (await response.json()) as ErrorBody;
      assert.equal(response.status, 400, c.name);
      assert.equal(body.error.code, c.code, c.name);
      if (c.field !== undefined) assert.equal(body.error.field, c.field, c.name);
      assert.equal(body.error.retryable, false);
    }
    // A relay has no group secret; it checks the client's signature over the file's public
    // digest (ADR 0017), which covers every byte but the signatures.
    const signature = parseTxFile(valid).client.signature;
    const forged = signature.startsWith('A') ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
    const yaml = new TextDecoder().decode(valid);
    const bad = await submit(new TextEncoder().encode(yaml.replace(signature, forged)));
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as ErrorBody).error.code, 'BAD_SIGNATURE');
    const json = await submit(valid, { 'content-type': 'application/json' });
    assert.equal(json.status, 415);
    // Nothing refused was accepted: the valid template is still unknown.
    const cid = (await (await submit(valid)).json()) as SubmitBody;
    assert.equal(cid.duplicate, false);
  });

  it('refuses a file forged under a harvested client signature (400 BAD_SIGNATURE): nothing pinned, no receipt', async () => {
    const victim = await f.txFile('pay Bob 10');
    const accepted = (await (await submit(victim)).json()) as SubmitBody;
    // What anyone can read back: the accepted file's bytes.
    const seen = new Uint8Array(
      await (await fetch(`${http}/v1/tx-files/${accepted.receipt.cid}`)).arrayBuffer(),
    );
    const forged = forgeWithHarvestedSignature(
      seen,
      await f.txFile('pay Mallory 10 000', undefined, f.stranger),
    );
    const refused = await submit(forged, { 'anchorpost-tenant': f.tenant });
    assert.equal(refused.status, 400);
    const body = (await refused.json()) as ErrorBody;
    assert.deepEqual(body.error, {
      ...body.error,
      code: 'BAD_SIGNATURE',
      field: 'transaction.client.signature',
      retryable: false,
    });
    const cid = await cidForBytes(forged);
    assert.equal((await fetch(`${http}/v1/receipts/${cid}`)).status, 404, 'no receipt');
    assert.equal((await fetch(`${http}/v1/tx-files/${cid}`)).status, 404, 'nothing pinned');
  });

  it('refuses a v0.1 file (400 LEGACY_TX_FILE), even one the registered client signed: nothing pinned, no receipt', async () => {
    const legacy = await f.legacyTxFile('written the v0.1 way');
    assert.equal(parseTxFile(legacy).version, '0.1');
    const refused = await submit(legacy);
    assert.equal(refused.status, 400);
    const body = (await refused.json()) as ErrorBody;
    assert.deepEqual(body.error, {
      ...body.error,
      code: 'LEGACY_TX_FILE',
      field: 'transaction.version',
      retryable: false,
    });
    const cid = await cidForBytes(legacy);
    assert.equal((await fetch(`${http}/v1/receipts/${cid}`)).status, 404, 'no receipt');
    assert.equal((await fetch(`${http}/v1/tx-files/${cid}`)).status, 404, 'nothing pinned');
  });

  it('refuses the same message with a comment, or reordered keys and whitespace (400 NOT_CANONICAL), and accepts the canonical bytes', async () => {
    const canonical = await f.txFile('one message, one CID');
    for (const variant of nonCanonicalVariants(canonical)) {
      const response = await submit(variant);
      assert.equal(response.status, 400);
      const body = (await response.json()) as ErrorBody;
      assert.deepEqual(body.error, { ...body.error, code: 'NOT_CANONICAL', field: '-', retryable: false });
    }
    const accepted = await submit(canonical);
    assert.equal(accepted.status, 201);
    assert.equal(((await accepted.json()) as SubmitBody).duplicate, false);
  });

  it('refuses a second file at the same chain position (409 STATE_FORK); the first one again is still 200 with its receipt', async () => {
    const first = await f.txFile('the head of a fresh chain');
    const group = f.groupOf(first);
    const { before } = parseTxFile(first).state;
    const accepted = await submit(first);
    assert.equal(accepted.status, 201);
    const { receipt } = (await accepted.json()) as SubmitBody;

    const fork = f.txFileAt('another file at the same position', group, before);
    const refused = await submit(fork);
    assert.equal(refused.status, 409);
    const body = (await refused.json()) as ErrorBody & { error: { message: string } };
    assert.equal(body.error.code, 'STATE_FORK');
    assert.equal(body.error.retryable, false);
    assert.match(body.error.message, new RegExp(receipt.cid));
    const forkCid = await cidForBytes(fork);
    assert.equal((await fetch(`${http}/v1/receipts/${forkCid}`)).status, 404, 'no receipt for the fork');

    const again = await submit(first);
    assert.equal(again.status, 200);
    assert.deepEqual(await again.json(), { receipt, duplicate: true });
    // The chain goes on from the first file.
    assert.equal((await submit(await f.txFile('the next one', group))).status, 201);
  });

  it('answers 404 for an unknown CID and 400 for one that is not a CID', async () => {
    const unknown = 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku';
    const missing = await fetch(`${http}/v1/tx-files/${unknown}`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as ErrorBody).error.code, 'NOT_FOUND');
    assert.equal((await fetch(`${http}/v1/receipts/${unknown}`)).status, 404);
    const notCid = await fetch(`${http}/v1/receipts/notacid`);
    assert.equal(notCid.status, 400);
  });

  it('refuses an oversized body from its Content-Length, before reading it, and goes on working', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(`${http}/v1/tx-files`, {
        method: 'POST',
        headers: {
          'content-type': 'application/yaml',
          ...f.auth,
          'content-length': String(64 * 1024 * 1024),
        },
      });
      request.on('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', reject);
      // Only a first chunk is ever sent: the answer must come without the rest.
      request.write('a'.repeat(1024));
    });
    assert.equal(status, 413);
    const streamed = await submit(new TextEncoder().encode(`# ${'x'.repeat(f.maxTxFileBytes)}\n`));
    assert.equal(streamed.status, 413);
    assert.equal(((await streamed.json()) as ErrorBody).error.code, 'TOO_LARGE');
    assert.equal((await submit(await f.txFile('after the big one'))).status, 201);
  });

  it('streams files over SSE and resumes from Last-Event-ID with every missed file exactly once', async () => {
    const first = await f.txFile('sse 1');
    const recipient = parseTxFile(first).recipient.sha512hash;
    // Subscribed before the tenant sends there: the operator registered the recipient for it.
    await f.administration.registerRecipient(f.tenant, recipient);
    const live = readSse(`${http}/v1/subscriptions/${recipient}`, f.auth);
    const ready = await live.next();
    assert.equal(ready.event, 'ready');
    const sent = [((await (await submit(first)).json()) as SubmitBody).receipt.cid];
    const got = await live.next();
    assert.equal(got.event, 'tx-file');
    const data = JSON.parse(got.data) as { cid: string; txFile: string; cursor: string };
    assert.equal(data.cid, sent[0]);
    assert.deepEqual(new Uint8Array(Buffer.from(data.txFile, 'base64')), first);
    live.close();

    for (let i = 0; i < 3; i += 1) {
      const bytes = await f.txFile(`missed ${i}`, f.groupOf(first));
      sent.push(((await (await submit(bytes)).json()) as SubmitBody).receipt.cid);
    }
    const resumed = readSse(`${http}/v1/subscriptions/${recipient}`, { ...f.auth, 'last-event-id': got.id });
    assert.equal((await resumed.next()).id, got.id);
    const missed = [];
    for (let i = 0; i < 3; i += 1)
      missed.push((JSON.parse((await resumed.next()).data) as { cid: string }).cid);
    resumed.close();
    assert.deepEqual(missed, sent.slice(1));

    const badCursor = await fetch(`${http}/v1/subscriptions/${recipient}?cursor=c1.x`, { headers: f.auth });
    assert.equal(badCursor.status, 400);
    assert.equal(((await badCursor.json()) as ErrorBody).error.code, 'BAD_CURSOR');
    assert.equal((await fetch(`${http}/v1/subscriptions/abc`, { headers: f.auth })).status, 400);
  });

  it('describes its routes in /openapi.json and counts outcomes in /metrics', async () => {
    const doc = (await (await fetch(`${http}/openapi.json`)).json()) as { paths: Record<string, object> };
    assert.deepEqual(Object.keys(doc.paths).sort(), [
      '/v1/key-files',
      '/v1/key-files/{cid}',
      '/v1/receipts/{cid}',
      '/v1/subscriptions/{recipientHash}',
      '/v1/tx-files',
      '/v1/tx-files/{cid}',
      '/v1/usage',
    ]);
    const metrics = await (await fetch(`${f.service.urls.management!}/metrics`)).text();
    assert.match(metrics, /^anchorpost_relay_tx_files_total\{outcome="accepted",code="OK"\} \d+$/m);
    assert.match(metrics, /^anchorpost_relay_tx_files_total\{outcome="rejected",code="YAML_TAG"\} 1$/m);
  });
});

describe('relay service shutdown', { timeout: 60_000 }, () => {
  it('ends open SSE streams when it stops, instead of waiting for them forever', async () => {
    const f = await openRelayServiceFixture();
    try {
      const recipient = parseTxFile(await f.txFile('x')).recipient.sha512hash;
      await f.administration.registerRecipient(f.tenant, recipient);
      const stream = readSse(`${f.service.urls.http!}/v1/subscriptions/${recipient}`, f.auth);
      assert.equal((await stream.next()).event, 'ready');
      const started = Date.now();
      await f.service.close();
      assert.ok(Date.now() - started < 10_000, 'closed promptly');
      stream.close();
    } finally {
      await f.close();
    }
  });
});
