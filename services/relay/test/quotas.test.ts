// Each quota attacked over HTTP: a tenant over its files per second gets 429 with Retry-After
// while its accepted files stay receipted and retrievable; the rate and the stream limit hold
// across two relay services over one database (an embedded PGlite, and a real PostgreSQL when
// ANCHORPOST_TEST_POSTGRES_URL names one); bytes per day; the plan's file size; streams over the
// limit refused and a slot freed on close; a retry of an accepted file costs no quota; usage
// counts what was sent and its report lists the batches; no tenant reads another's usage.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { testPostgresForTests } from '@anchorpost/db/testing';
import { cidForBytes, parseTxFile, toPublicKeyFile, type GroupKeys } from '@anchorpost/protocol';
import type { QuotaOverrides } from '@anchorpost/relay-core';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { GrpcTestClient } from './grpc-fixture.ts';
import { openRelayServiceFixture, readSse, type RelayServiceFixture } from './relay-service-fixture.ts';

const ENV = {
  ANCHORPOST_RELAY_TENANTS_CACHE_TTL: '100ms',
  ANCHORPOST_RELAY_USAGE_FLUSH_INTERVAL: '100ms',
  ANCHORPOST_RELAY_STREAM_LEASE_TTL: '3s',
  ANCHORPOST_RELAY_METRICS_TENANTS: 'usage',
};

interface Tenant {
  id: string;
  auth: Record<string, string>;
}

/** A tenant of its own per test (the fixture's stranger is its client app), on the free plan with `overrides`. */
async function tenant(f: RelayServiceFixture, id: string, overrides: QuotaOverrides): Promise<Tenant> {
  await f.administration.addTenant(id);
  await f.administration.addClientKey(id, toPublicKeyFile(f.stranger.public));
  await f.administration.setPlan(id, 'free', overrides);
  const { key } = await f.administration.issueApiKey(id, ['submit', 'subscribe', 'admin']);
  return { id, auth: { authorization: `Bearer ${key}` } };
}

function submit(url: string, bytes: Uint8Array, auth: Record<string, string>): Promise<Response> {
  return fetch(`${url}/v1/tx-files`, {
    method: 'POST',
    headers: { 'content-type': 'application/yaml', ...auth },
    body: bytes,
  });
}

interface Refusal {
  status: number;
  retryAfter: string | null;
  error: { code: string; message: string; retryable: boolean; field?: string; requestId?: string };
}

async function refusal(response: Response): Promise<Refusal> {
  const body = (await response.json()) as { error: Refusal['error'] };
  return { status: response.status, retryAfter: response.headers.get('retry-after'), error: body.error };
}

/** Files from the tenant's client (the fixture's stranger), each next in its chain in `group`. */
async function files(f: RelayServiceFixture, count: number, label: string, group?: GroupKeys) {
  const first = await f.txFile(`${label} 0`, group, f.stranger);
  const keys = group ?? f.groupOf(first);
  const rest = [];
  for (let i = 1; i < count; i += 1) rest.push(await f.txFile(`${label} ${i}`, keys, f.stranger));
  return [first, ...rest];
}

/** Opens an SSE subscription; resolves with its status and a way to end it. */
async function openStream(url: string, recipientHash: string, auth: Record<string, string>) {
  const controller = new AbortController();
  const response = await fetch(`${url}/v1/subscriptions/${recipientHash}`, {
    headers: { accept: 'text/event-stream', ...auth },
    signal: controller.signal,
  });
  return {
    response,
    close() {
      controller.abort();
    },
  };
}

describe('relay quotas over HTTP and gRPC', { timeout: 300_000 }, () => {
  let f: RelayServiceFixture;
  let http: string;

  before(async () => {
    f = await openRelayServiceFixture(ENV);
    http = f.service.urls.http!;
  });
  after(() => f.close());

  it('answers files over the rate 429 with Retry-After; every accepted file keeps its receipt and bytes', async () => {
    const rate = await tenant(f, 'rate', { filesPerSecond: 2 });
    const sent = await files(f, 8, 'rate');
    const accepted: Uint8Array[] = [];
    const refused: Refusal[] = [];
    const refusedFiles: Uint8Array[] = [];
    for (const bytes of sent) {
      const response = await submit(http, bytes, rate.auth);
      if (response.status === 201) {
        accepted.push(bytes);
        await response.arrayBuffer();
      } else {
        refused.push(await refusal(response));
        refusedFiles.push(bytes);
      }
    }
    assert.ok(accepted.length >= 2, `${accepted.length} accepted`);
    assert.ok(refused.length > 0, 'some files were over the rate');
    for (const answer of refused) {
      assert.equal(answer.status, 429);
      assert.deepEqual(answer.error, {
        code: 'RATE_LIMITED',
        field: 'filesPerSecond',
        message: answer.error.message,
        retryable: true,
        requestId: answer.error.requestId,
      });
      assert.ok(Number(answer.retryAfter) >= 1, `Retry-After ${answer.retryAfter}`);
    }
    for (const bytes of accepted) {
      const cid = await cidForBytes(bytes);
      assert.equal((await fetch(`${http}/v1/receipts/${cid}`)).status, 200);
      const stored = new Uint8Array(await (await fetch(`${http}/v1/tx-files/${cid}`)).arrayBuffer());
      assert.deepEqual(stored, bytes);
    }
    // A refused file is not lost to the sender: after the Retry-After it is taken.
    await sleep(Number(refused.at(-1)!.retryAfter) * 1000);
    assert.equal((await submit(http, refusedFiles[0]!, rate.auth)).status, 201);
  });

  it('charges no quota for a retry of an accepted file: same receipt while the bucket is empty', async () => {
    const retry = await tenant(f, 'retry', { filesPerSecond: 1 });
    const [bytes] = await files(f, 1, 'retry');
    const first = await submit(http, bytes!, retry.auth);
    assert.equal(first.status, 201);
    const { receipt } = (await first.json()) as { receipt: unknown };
    for (let i = 0; i < 5; i += 1) {
      const again = await submit(http, bytes!, retry.auth);
      assert.equal(again.status, 200, `retry ${i}`);
      assert.deepEqual(((await again.json()) as { receipt: unknown }).receipt, receipt);
    }
  });

  it("refuses bytes over the day's limit (429 DAILY_BYTES_EXHAUSTED); retries of accepted files do not count", async () => {
    const sent = await files(f, 3, 'bytes');
    const [a, b, c] = sent.map((bytes) => bytes.byteLength) as [number, number, number];
    const daily = await tenant(f, 'bytes', { filesPerSecond: 100, bytesPerDay: a + b + c - 1 });
    assert.equal((await submit(http, sent[0]!, daily.auth)).status, 201);
    for (let i = 0; i < 3; i += 1) assert.equal((await submit(http, sent[0]!, daily.auth)).status, 200);
    assert.equal((await submit(http, sent[1]!, daily.auth)).status, 201);
    const refused = await refusal(await submit(http, sent[2]!, daily.auth));
    assert.equal(refused.status, 429);
    assert.equal(refused.error.code, 'DAILY_BYTES_EXHAUSTED');
    assert.equal(refused.error.retryable, true);
    const retryAfter = Number(refused.retryAfter);
    assert.ok(retryAfter >= 1 && retryAfter <= 86_400, `Retry-After ${refused.retryAfter}`);
  });

  it("refuses a file larger than the tenant's plan allows with 413 TOO_LARGE", async () => {
    const [small] = await files(f, 1, 'size');
    const sized = await tenant(f, 'size', { maxFileBytes: small!.byteLength + 64 });
    assert.equal((await submit(http, small!, sized.auth)).status, 201);
    const large = await f.txFile('x'.repeat(4_096), f.groupOf(small!), f.stranger);
    const refused = await refusal(await submit(http, large, sized.auth));
    assert.equal(refused.status, 413);
    assert.equal(refused.error.code, 'TOO_LARGE');
    assert.equal(refused.error.field, 'maxFileBytes');
    assert.equal(refused.error.retryable, false);
  });

  it('counts usage as sent, reports it per batch, and shows a tenant only its own', async () => {
    const usage = await tenant(f, 'usage', { filesPerSecond: 100 });
    const other = await tenant(f, 'stranger-tenant', {});
    const sent = await files(f, 3, 'usage');
    const recipientHash = parseTxFile(sent[0]!).recipient.sha512hash;
    // Subscribed before its first send: entitled by the operator's registration.
    await f.administration.registerRecipient(usage.id, recipientHash);
    const stream = readSse(`${http}/v1/subscriptions/${recipientHash}`, usage.auth);
    assert.equal((await stream.next()).event, 'ready');
    for (const bytes of sent) assert.equal((await submit(http, bytes, usage.auth)).status, 201);
    assert.equal((await submit(http, sent[0]!, usage.auth)).status, 200, 'a retry is no new usage');
    for (let i = 0; i < sent.length; i += 1) assert.equal((await stream.next()).event, 'tx-file');
    stream.close();

    // The parser indexes a batch holding two of the tenant's files and one of another tenant's.
    const cids = await Promise.all(sent.map((bytes) => cidForBytes(bytes)));
    const [otherFile] = await files(f, 1, 'other tenant');
    assert.equal((await submit(http, otherFile!, other.auth)).status, 201);
    await f.database.prisma.batch.create({
      data: {
        cid: 'bafyreibatchzero',
        platform: 'anchorpost-test',
        sequence: 0n,
        sealedAt: new Date(),
        merkleRoot: 'e'.repeat(64),
        count: 3,
        entries: {
          create: [cids[0]!, await cidForBytes(otherFile!), cids[2]!].map((txFileCid, index) => ({
            index,
            txFileCid,
          })),
        },
      },
    });

    const bytes = sent.reduce((sum, file) => sum + file.byteLength, 0);
    const expected = { tenantId: 'usage', files: 3, bytes, deliveries: 3, streams: 1 };
    let body: { tenantId: string; days: (typeof expected & { day: string })[]; report: unknown } | undefined;
    for (let tries = 0; tries < 50; tries += 1) {
      const response = await fetch(`${http}/v1/usage`, { headers: usage.auth });
      assert.equal(response.status, 200);
      body = (await response.json()) as typeof body;
      const day = body!.days[0];
      if (day !== undefined && day.deliveries === 3 && day.files === 3) break;
      await sleep(100);
    }
    const { day, ...counts } = body!.days[0]!;
    assert.deepEqual(counts, expected);
    assert.equal(body!.tenantId, 'usage');
    assert.deepEqual(body!.report, {
      receipts: 3,
      batches: [{ platform: 'anchorpost-test', sequence: 0, cid: 'bafyreibatchzero', files: 2 }],
      unbatched: 1,
    });

    // Another tenant's key reads its own usage only, whatever it asks for.
    const theirs = await fetch(`${http}/v1/usage?from=${day}&to=${day}&tenant=usage`, {
      headers: other.auth,
    });
    const their = (await theirs.json()) as { tenantId: string; days: { files: number }[] };
    assert.equal(their.tenantId, 'stranger-tenant');
    assert.ok(their.days.every((row) => row.files <= 1));
    // A key without the admin scope reads no usage.
    const { key } = await f.administration.issueApiKey('usage', ['submit']);
    assert.equal(
      (await fetch(`${http}/v1/usage`, { headers: { authorization: `Bearer ${key}` } })).status,
      401,
    );
    // The operator sees every tenant (the other tenant's file may be in the next flush).
    let tenants: string[] = [];
    for (let tries = 0; tries < 50 && !tenants.includes('stranger-tenant'); tries += 1) {
      const all = await fetch(`${f.service.urls.admin!}/v1/admin/usage?from=${day}&to=${day}`, {
        headers: { authorization: `Bearer ${f.adminKey}` },
      });
      tenants = ((await all.json()) as { days: { tenantId: string }[] }).days.map((row) => row.tenantId);
      await sleep(100);
    }
    assert.ok(tenants.includes('usage') && tenants.includes('stranger-tenant'), tenants.join());
    // /metrics labels only the listed tenants; the rest are `other`.
    const metrics = await (await fetch(`${f.service.urls.management!}/metrics`)).text();
    assert.match(metrics, /^anchorpost_relay_tenant_usage_total\{tenant="usage",what="files"\} 3$/m);
    assert.match(metrics, /^anchorpost_relay_tenant_usage_total\{tenant="other",what="files"\} \d+$/m);
    assert.doesNotMatch(metrics, /tenant="stranger-tenant"/);
  });

  it('answers over gRPC with RESOURCE_EXHAUSTED, the code and the retry time in trailers', async () => {
    const grpc = await tenant(f, 'grpc', { filesPerSecond: 1, maxStreams: 1 });
    const client = new GrpcTestClient(f.service.urls.grpc!);
    const metadata = new Metadata();
    metadata.set('authorization', grpc.auth.authorization!);
    try {
      const refused: ServiceError[] = [];
      for (const txFile of await files(f, 4, 'grpc')) {
        await client.unary('SubmitTxFile', { txFile }, metadata).catch((error: unknown) => {
          refused.push(error as ServiceError);
        });
      }
      assert.ok(refused.length > 0, 'some files were over the rate');
      for (const error of refused) {
        assert.equal(error.code, status.RESOURCE_EXHAUSTED);
        const trailers = error.metadata.getMap();
        assert.equal(trailers['anchorpost-error-code'], 'RATE_LIMITED');
        assert.equal(trailers['anchorpost-error-retryable'], 'true');
        assert.ok(Number(trailers['anchorpost-error-retry-after-ms']) > 0);
      }

      const [bytes] = await files(f, 1, 'grpc stream');
      const recipientHash = parseTxFile(bytes!).recipient.sha512hash;
      await f.administration.registerRecipient(grpc.id, recipientHash);
      const held = await openStream(http, recipientHash, grpc.auth);
      assert.equal(held.response.status, 200);
      const subscription = client.serverStream('Subscribe', { recipientHash }, metadata);
      const [error] = (await once(subscription, 'error')) as [ServiceError];
      held.close();
      assert.equal(error.code, status.RESOURCE_EXHAUSTED);
      assert.equal(error.metadata.getMap()['anchorpost-error-code'], 'TOO_MANY_STREAMS');
    } finally {
      client.close();
    }
  });

  it('answers 400 for a period that is no period', async () => {
    const period = await tenant(f, 'period', {});
    for (const query of [
      'from=2026-13-01',
      'from=2026-12-06&to=2026-12-01',
      'from=2020-01-01&to=2026-01-01',
    ]) {
      const response = await fetch(`${http}/v1/usage?${query}`, { headers: period.auth });
      assert.equal(response.status, 400, query);
    }
  });
});

/** Quotas held across two relay services over one database. */
function acrossReplicas(name: string, postgresAdminUrl?: string): void {
  describe(`relay quotas across two replicas: ${name}`, { timeout: 300_000 }, () => {
    let f: RelayServiceFixture;
    let urls: [string, string];

    before(async () => {
      f = await openRelayServiceFixture(ENV, postgresAdminUrl === undefined ? {} : { postgresAdminUrl });
      const replica = await f.replica(ENV);
      urls = [f.service.urls.http!, replica.urls.http!];
    });
    after(() => f.close());

    it('holds files per second across both: together they take no more than one bucket', async () => {
      const shared = await tenant(f, 'shared-rate', { filesPerSecond: 1 });
      const sent = await files(f, 10, 'shared');
      const refusedBy = new Set<string>();
      let accepted = 0;
      const started = performance.now();
      for (const [i, bytes] of sent.entries()) {
        const url = urls[i % 2]!;
        const response = await submit(url, bytes, shared.auth);
        if (response.status === 201) accepted += 1;
        else {
          assert.equal((await refusal(response)).error.code, 'RATE_LIMITED');
          refusedBy.add(url);
        }
      }
      const seconds = (performance.now() - started) / 1000;
      // One bucket of one file, refilled at one a second (each replica's slice is one file,
      // taken from the bucket): per-process buckets would have let through twice as many.
      assert.ok(accepted <= 1 + Math.ceil(seconds), `${accepted} accepted in ${seconds.toFixed(2)} s`);
      assert.equal(refusedBy.size, 2, 'both replicas refused');
    });

    it('holds the stream limit across both and frees the slot when a stream closes', async () => {
      const streams = await tenant(f, 'shared-streams', { maxStreams: 1 });
      const [bytes] = await files(f, 1, 'streams');
      const recipientHash = parseTxFile(bytes!).recipient.sha512hash;
      await f.administration.registerRecipient(streams.id, recipientHash);
      const first = await openStream(urls[0], recipientHash, streams.auth);
      assert.equal(first.response.status, 200);
      for (const url of urls) {
        const second = await openStream(url, recipientHash, streams.auth);
        const refused = await refusal(second.response);
        assert.equal(refused.status, 429, url);
        assert.equal(refused.error.code, 'TOO_MANY_STREAMS');
        assert.ok(Number(refused.retryAfter) >= 1);
      }
      first.close();
      const closedAt = Date.now();
      let status = 0;
      while (Date.now() - closedAt < 2_000) {
        const again = await openStream(urls[1], recipientHash, streams.auth);
        status = again.response.status;
        again.close();
        if (status === 200) break;
        await sleep(50);
      }
      assert.equal(status, 200, 'the slot came back after the stream closed');
    });
  });
}

acrossReplicas('embedded PGlite');
const realPostgres = testPostgresForTests();
if ('skip' in realPostgres) {
  it('relay quotas across two replicas: PostgreSQL (server)', { skip: realPostgres.skip }, () => undefined);
} else {
  acrossReplicas('PostgreSQL (server)', realPostgres.adminUrl);
}
