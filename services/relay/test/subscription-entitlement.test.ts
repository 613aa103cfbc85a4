// Subscriptions belong to tenants: the attacks, over SSE and gRPC, against a relay service whose
// tenants are in the in-memory TenantStore test double, in an embedded PGlite, and in a real
// PostgreSQL when ANCHORPOST_TEST_POSTGRES_URL names one. Tenant B asking for tenant A's recipient
// gets one 403 NOT_ENTITLED from any cursor and nothing else; a recipient the operator registers
// for B is served within the tenants cache TTL and refused again within it after its removal; a
// sender may subscribe as soon as its submit returns.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { status, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { testPostgresForTests } from '@anchorpost/db/testing';
import { cidForBytes, parseTxFile, toPublicKeyFile } from '@anchorpost/protocol';
import { GrpcTestClient, trailers } from './grpc-fixture.ts';
import {
  openRelayServiceFixture,
  readSse,
  type RelayServiceFixture,
  type RelayServiceFixtureOptions,
} from './relay-service-fixture.ts';

/** The fixture's partitions: a history cursor `c1.<p>.0` exists for each. */
const PARTITIONS = 4;
const TTL_MS = 200;
const HISTORY = Array.from({ length: PARTITIONS }, (_, p) => `c1.${p}.0`);

interface Answer {
  status: number;
  type: string | null;
  body: string;
}

/** What a subscription request gets: for a 200, only the status (the stream is closed at once). */
async function sseAnswer(url: string, headers: Record<string, string>): Promise<Answer> {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  if (response.status === 200) {
    controller.abort();
    return { status: 200, type: response.headers.get('content-type'), body: '' };
  }
  // The request id differs per call by design; everything else must be byte-identical.
  const body = (await response.text()).replace(/"requestId":"[^"]*"/, '"requestId":"…"');
  return { status: response.status, type: response.headers.get('content-type'), body };
}

/** How many messages a Subscribe that is expected to end by itself delivered, and its final error. */
async function grpcOutcome(
  stream: ClientReadableStream<object>,
): Promise<{ got: number; error: ServiceError }> {
  const messages: object[] = [];
  stream.on('data', (message: object) => messages.push(message));
  const error = await new Promise<ServiceError | null>((resolve) => {
    stream.on('error', resolve);
    stream.on('end', () => {
      resolve(null);
    });
  });
  assert.ok(error, 'the stream ended without an error');
  return { got: messages.length, error };
}

async function firstMessages(
  stream: ClientReadableStream<object>,
  count: number,
): Promise<{ cid: string }[]> {
  const out: { cid: string }[] = [];
  for await (const message of stream as AsyncIterable<{ cid: string }>) {
    out.push(message);
    if (out.length === count) break;
  }
  stream.cancel();
  return out;
}

async function until(what: string, probe: () => Promise<boolean>, limitMs: number): Promise<number> {
  const started = Date.now();
  while (!(await probe())) {
    if (Date.now() - started > limitMs) assert.fail(`${what}: not within ${limitMs} ms`);
    await sleep(20);
  }
  return Date.now() - started;
}

function entitlementSuite(name: string, options: RelayServiceFixtureOptions): void {
  describe(`subscriptions belong to tenants: ${name}`, { timeout: 120_000 }, () => {
    let f: RelayServiceFixture;
    let http: string;
    let keyB: string;
    let grpcA: GrpcTestClient;
    let grpcB: GrpcTestClient;
    const authB = () => ({ authorization: `Bearer ${keyB}` });
    const submit = (bytes: Uint8Array, headers: Record<string, string>) =>
      fetch(`${http}/v1/tx-files`, {
        method: 'POST',
        headers: { 'content-type': 'application/yaml', ...headers },
        body: bytes,
      });
    const subscriptionUrl = (recipient: string, cursor?: string) =>
      `${http}/v1/subscriptions/${recipient}${cursor === undefined ? '' : `?cursor=${cursor}`}`;
    /** The history cursor of the recipient's partition: the one start an entitled caller is served. */
    const historyOf = async (recipient: string, headers: Record<string, string>) => {
      for (const cursor of HISTORY) {
        if ((await sseAnswer(subscriptionUrl(recipient, cursor), headers)).status === 200) return cursor;
      }
      assert.fail('no history cursor was served');
    };
    const admin = (path: string, init: RequestInit = {}) =>
      fetch(`${f.service.urls.admin!}${path}`, {
        ...init,
        headers: {
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
          authorization: `Bearer ${f.adminKey}`,
        },
      });

    before(async () => {
      f = await openRelayServiceFixture({ ANCHORPOST_RELAY_TENANTS_CACHE_TTL: `${TTL_MS}ms` }, options);
      http = f.service.urls.http!;
      // Tenant B: its own client app (the fixture's stranger) and key; tenant A is the fixture's.
      await f.administration.addTenant('beta');
      await f.administration.addClientKey('beta', toPublicKeyFile(f.stranger.public));
      keyB = (await f.administration.issueApiKey('beta', ['submit', 'subscribe'])).key;
      grpcA = new GrpcTestClient(f.service.urls.grpc!, f.apiKey);
      grpcB = new GrpcTestClient(f.service.urls.grpc!, keyB);
    });
    after(async () => {
      grpcA.close();
      grpcB.close();
      await f.close();
    });

    it("refuses tenant B on tenant A's recipient from any cursor, over SSE and gRPC, delivering nothing", async () => {
      const bytes = await f.txFile('for tenant A only');
      assert.equal((await submit(bytes, f.auth)).status, 201);
      const recipient = parseTxFile(bytes).recipient.sha512hash;

      const answers = new Set<string>();
      for (const cursor of [undefined, ...HISTORY]) {
        answers.add(JSON.stringify(await sseAnswer(subscriptionUrl(recipient, cursor), authB())));
        if (cursor !== undefined) {
          answers.add(
            JSON.stringify(
              await sseAnswer(subscriptionUrl(recipient), { ...authB(), 'last-event-id': cursor }),
            ),
          );
        }
      }
      // A hash nobody ever sent to gets the very same answer: it tells B nothing about A's traffic.
      answers.add(JSON.stringify(await sseAnswer(subscriptionUrl('e'.repeat(128)), authB())));
      assert.equal(answers.size, 1, [...answers].join('\n'));
      const answer = JSON.parse([...answers][0]!) as Answer;
      assert.equal(answer.status, 403);
      assert.match(answer.type ?? '', /^application\/json/);
      assert.deepEqual(JSON.parse(answer.body), {
        error: {
          code: 'NOT_ENTITLED',
          message: 'the tenant may not subscribe to this recipient',
          retryable: false,
          requestId: '…',
        },
      });

      for (const cursor of ['', ...HISTORY]) {
        const { got, error } = await grpcOutcome(
          grpcB.serverStream('Subscribe', { recipientHash: recipient, cursor }),
        );
        assert.equal(got, 0, `nothing delivered from cursor "${cursor}"`);
        assert.equal(error.code, status.PERMISSION_DENIED);
        assert.equal(trailers(error)['anchorpost-error-code'], 'NOT_ENTITLED');
        assert.equal(error.details, 'the tenant may not subscribe to this recipient');
      }

      // The history B was refused is there: A, who sent it, replays it from the same cursor.
      const history = await historyOf(recipient, f.auth);
      const replay = readSse(subscriptionUrl(recipient, history), f.auth);
      assert.equal((await replay.next()).event, 'ready');
      const event = await replay.next();
      replay.close();
      assert.equal((JSON.parse(event.data) as { cid: string }).cid, await cidForBytes(bytes));
      const [delivered] = await firstMessages(
        grpcA.serverStream('Subscribe', { recipientHash: recipient, cursor: history }),
        1,
      );
      assert.equal(delivered!.cid, await cidForBytes(bytes));
    });

    it('lets a sender subscribe to a recipient as soon as its submit returns, though refused just before', async () => {
      const bytes = await f.txFile('from tenant B', undefined, f.stranger);
      const recipient = parseTxFile(bytes).recipient.sha512hash;
      // A refusal this replica now caches for the TTL: the accept must override it at once.
      assert.equal((await sseAnswer(subscriptionUrl(recipient), authB())).status, 403);
      assert.equal((await submit(bytes, authB())).status, 201);
      const history = await historyOf(recipient, authB());
      const stream = readSse(subscriptionUrl(recipient, history), authB());
      assert.equal((await stream.next()).event, 'ready');
      const event = await stream.next();
      stream.close();
      assert.equal((JSON.parse(event.data) as { cid: string }).cid, await cidForBytes(bytes));
      const [delivered] = await firstMessages(
        grpcB.serverStream('Subscribe', { recipientHash: recipient, cursor: history }),
        1,
      );
      assert.equal(delivered!.cid, await cidForBytes(bytes));
    });

    it('serves B a recipient the operator registers for it within the TTL, and refuses it within the TTL once removed', async () => {
      const bytes = await f.txFile('to a group with a member on tenant B');
      assert.equal((await submit(bytes, f.auth)).status, 201);
      const recipient = parseTxFile(bytes).recipient.sha512hash;
      assert.equal((await sseAnswer(subscriptionUrl(recipient), authB())).status, 403);

      const registered = await admin('/v1/admin/tenants/beta/recipients', {
        method: 'POST',
        body: JSON.stringify({ recipientHash: recipient }),
      });
      assert.equal(registered.status, 201);
      assert.deepEqual(await registered.json(), { recipientHash: recipient, registered: true });
      const again = await admin('/v1/admin/tenants/beta/recipients', {
        method: 'POST',
        body: JSON.stringify({ recipientHash: recipient }),
      });
      assert.deepEqual(
        [again.status, await again.json()],
        [200, { recipientHash: recipient, registered: false }],
      );
      const servedAfter = await until(
        'B served after the registration',
        async () => (await sseAnswer(subscriptionUrl(recipient), authB())).status === 200,
        TTL_MS * 5,
      );
      assert.ok(servedAfter <= TTL_MS + 150, `served ${servedAfter} ms after the registration`);
      const history = await historyOf(recipient, authB());
      const stream = readSse(subscriptionUrl(recipient, history), authB());
      assert.equal((await stream.next()).event, 'ready');
      assert.equal((JSON.parse((await stream.next()).data) as { cid: string }).cid, await cidForBytes(bytes));
      stream.close();
      const [delivered] = await firstMessages(
        grpcB.serverStream('Subscribe', { recipientHash: recipient, cursor: history }),
        1,
      );
      assert.equal(delivered!.cid, await cidForBytes(bytes));
      const listed = (await (await admin('/v1/admin/tenants/beta/recipients')).json()) as {
        recipients: { recipientHash: string; sentAt: string | null; registeredAt: string | null }[];
        next: string | null;
      };
      const entry = listed.recipients.find((r) => r.recipientHash === recipient);
      assert.ok(entry, 'the registration is listed');
      assert.equal(entry.sentAt, null);
      assert.notEqual(entry.registeredAt, null);

      const removed = await admin(`/v1/admin/tenants/beta/recipients/${recipient}`, { method: 'DELETE' });
      assert.deepEqual([removed.status, await removed.json()], [200, { removed: recipient }]);
      const refusedAfter = await until(
        'B refused after the removal',
        async () => (await sseAnswer(subscriptionUrl(recipient, history), authB())).status === 403,
        TTL_MS * 5,
      );
      assert.ok(refusedAfter <= TTL_MS + 150, `refused ${refusedAfter} ms after the removal`);
      const { got, error } = await grpcOutcome(
        grpcB.serverStream('Subscribe', { recipientHash: recipient, cursor: history }),
      );
      assert.equal(got, 0);
      assert.equal(trailers(error)['anchorpost-error-code'], 'NOT_ENTITLED');
      // A, who sent there, keeps its own entitlement.
      assert.equal((await sseAnswer(subscriptionUrl(recipient, history), f.auth)).status, 200);
    });

    it('refuses bad registrations on the admin API with their codes', async () => {
      const post = (tenant: string, body: unknown) =>
        admin(`/v1/admin/tenants/${tenant}/recipients`, { method: 'POST', body: JSON.stringify(body) });
      const bad = await post('beta', { recipientHash: 'E'.repeat(128) });
      assert.equal(bad.status, 400);
      assert.deepEqual(
        ((await bad.json()) as { error: { code: string; field: string } }).error.code,
        'BAD_ARGUMENT',
      );
      assert.equal((await post('nobody', { recipientHash: 'e'.repeat(128) })).status, 404);
      const missing = await admin(`/v1/admin/tenants/beta/recipients/${'d'.repeat(128)}`, {
        method: 'DELETE',
      });
      assert.equal(missing.status, 400);
      assert.equal((await admin('/v1/admin/tenants/nobody/recipients')).status, 404);
      // Not on the public port, and not with a tenant's API key.
      const publicPort = await fetch(`${http}/v1/admin/tenants/beta/recipients`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${f.adminKey}` },
        body: JSON.stringify({ recipientHash: 'e'.repeat(128) }),
      });
      assert.equal(publicPort.status, 404);
      const withApiKey = await fetch(`${f.service.urls.admin!}/v1/admin/tenants/beta/recipients`, {
        headers: { authorization: `Bearer ${keyB}` },
      });
      assert.equal(withApiKey.status, 401);
    });
  });
}

entitlementSuite('memory TenantStore', { tenantStore: 'memory' });
entitlementSuite('PostgreSQL (embedded PGlite)', {});

const realPostgres = testPostgresForTests();
if ('skip' in realPostgres) {
  it('subscriptions belong to tenants: PostgreSQL (server)', { skip: realPostgres.skip }, () => undefined);
} else {
  entitlementSuite('PostgreSQL (server)', { postgresAdminUrl: realPostgres.adminUrl });
}
