// Every caller of the public HTTP API that submits or subscribes shows an API key, and every way
// of failing gets one answer, byte for byte; the admin API is on its own port behind the admin
// key; a key revoked through one replica is refused by another within the tenants cache TTL.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fingerprint, parseTxFile, toPublicKeyFile } from '@anchorpost/protocol';
import { openRelayServiceFixture, readSse, type RelayServiceFixture } from './relay-service-fixture.ts';

/**
 * Status, the headers a client could tell apart, and the body, less the request id: a fresh random
 * id per request, which tells nothing about the key.
 */
async function answer(response: Response): Promise<string> {
  const text = await response.text();
  const requestId = response.headers.get('x-request-id') ?? '';
  assert.ok(requestId !== '' && text.includes(requestId), 'the body carries the request id');
  return JSON.stringify({
    status: response.status,
    type: response.headers.get('content-type'),
    authenticate: response.headers.get('www-authenticate'),
    body: text.replace(requestId, '<request id>'),
  });
}

describe('relay HTTP authentication', { timeout: 120_000 }, () => {
  let f: RelayServiceFixture;
  let http: string;
  const submit = (bytes: Uint8Array, headers: Record<string, string>) =>
    fetch(`${http}/v1/tx-files`, {
      method: 'POST',
      headers: { 'content-type': 'application/yaml', ...headers },
      body: bytes,
    });

  before(async () => {
    f = await openRelayServiceFixture({ ANCHORPOST_RELAY_TENANTS_CACHE_TTL: '200ms' });
    http = f.service.urls.http!;
  });
  after(() => f.close());

  it('answers every failure with the same 401, before reading the body', async () => {
    const revoked = await f.administration.issueApiKey(f.tenant, ['submit']);
    await f.administration.revokeApiKey(revoked.id);
    const subscribeOnly = await f.administration.issueApiKey(f.tenant, ['subscribe']);
    await f.administration.addTenant('other');
    const [, id] = /^apk_([0-9a-f]{16})_/.exec(f.apiKey)!;
    const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
    const file = () => f.txFile(`try ${Math.random()}`);

    const answers = [
      await answer(await submit(await file(), {})),
      await answer(await submit(await file(), { 'anchorpost-tenant': f.tenant })),
      await answer(await submit(await file(), { authorization: f.apiKey })),
      await answer(await submit(await file(), bearer(f.apiKey.replace(id!, '0000000000000000')))),
      await answer(await submit(await file(), bearer(`${f.apiKey.slice(0, -3)}AAA`))),
      await answer(await submit(await file(), bearer(revoked.key))),
      await answer(await submit(await file(), bearer(subscribeOnly.key))),
      await answer(await submit(await file(), { ...f.auth, 'anchorpost-tenant': 'other' })),
      await answer(await submit(await f.txFile('from an unknown app', undefined, f.stranger), f.auth)),
    ];
    await sleep(250);
    assert.deepEqual(new Set(answers).size, 1, answers.join('\n'));
    const parsed = JSON.parse(answers[0]!) as { status: number; authenticate: string; body: string };
    assert.equal(parsed.status, 401);
    assert.equal(parsed.authenticate, 'Bearer');
    const body = JSON.parse(parsed.body) as { error: Record<string, unknown> };
    assert.equal(body.error.code, 'UNAUTHENTICATED');
    assert.equal(body.error.message, 'missing or invalid credentials');
    assert.equal(body.error.retryable, false);
    // A stranger's body is never read: the 401 comes after a first chunk of a 512 KiB body, with
    // `Connection: close`, and the relay closes the connection rather than wait for the rest (it
    // held it until Node's request timeout, and its own shutdown waited for it).
    const early = await new Promise<{
      status: number;
      connection: string | undefined;
      closed: Promise<void>;
    }>((resolve, reject) => {
      const request = httpRequest(`${http}/v1/tx-files`, {
        method: 'POST',
        headers: { 'content-type': 'application/yaml', 'content-length': String(512 * 1024) },
      });
      request.on('response', (response) => {
        response.resume();
        const closed = new Promise<void>((done) =>
          request.socket!.once('close', () => {
            done();
          }),
        );
        resolve({ status: response.statusCode ?? 0, connection: response.headers.connection, closed });
      });
      request.on('error', reject);
      request.write('a'.repeat(1024));
    });
    assert.equal(early.status, 401);
    assert.equal(early.connection, 'close');
    await Promise.race([
      early.closed,
      sleep(10_000).then(() => assert.fail('the relay kept the connection of an unread body open')),
    ]);
    // The legacy header is taken when it names the key's own tenant.
    assert.equal((await submit(await file(), { ...f.auth, 'anchorpost-tenant': f.tenant })).status, 201);
  });

  it('refuses a subscription without a key with the same 401, and serves one with a key', async () => {
    const recipient = parseTxFile(await f.txFile('sub')).recipient.sha512hash;
    await f.administration.registerRecipient(f.tenant, recipient);
    const refused = await fetch(`${http}/v1/subscriptions/${recipient}`);
    assert.equal(refused.status, 401);
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'UNAUTHENTICATED');
    const stream = readSse(`${http}/v1/subscriptions/${recipient}`, f.auth);
    assert.equal((await stream.next()).event, 'ready');
    stream.close();
  });

  it('has no admin routes on the public port', async () => {
    const response = await fetch(`${http}/v1/admin/tenants`, {
      headers: { authorization: `Bearer ${f.adminKey}` },
    });
    assert.equal(response.status, 404);
  });

  it('lets the operator manage tenants over the admin API with the admin key, and nobody else', async () => {
    const admin = f.service.urls.admin!;
    assert.notEqual(new URL(admin).port, new URL(http).port);
    assert.equal(new URL(admin).hostname, '127.0.0.1');
    const call = (path: string, init: RequestInit = {}, key = f.adminKey) =>
      fetch(`${admin}${path}`, {
        ...init,
        headers: {
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
          authorization: `Bearer ${key}`,
        },
      });
    for (const key of ['', f.apiKey, `${f.adminKey}x`]) {
      const refused = await call('/v1/admin/tenants', {}, key);
      assert.equal(refused.status, 401);
    }
    const added = await call('/v1/admin/tenants', { method: 'POST', body: JSON.stringify({ id: 'zeta' }) });
    assert.equal(added.status, 201);
    const client = await call('/v1/admin/tenants/zeta/clients', {
      method: 'POST',
      body: JSON.stringify({ publicKey: toPublicKeyFile(f.stranger.public) }),
    });
    assert.deepEqual(await client.json(), { clientId: fingerprint(f.stranger.public) });
    const issued = await call('/v1/admin/tenants/zeta/api-keys', {
      method: 'POST',
      body: JSON.stringify({ scopes: ['submit'] }),
    });
    assert.equal(issued.status, 201);
    const { apiKey } = (await issued.json()) as { apiKey: { key: string; id: string } };
    const accepted = await submit(await f.txFile('zeta', undefined, f.stranger), {
      authorization: `Bearer ${apiKey.key}`,
    });
    assert.equal(accepted.status, 201);
    const listed = (await (await call('/v1/admin/tenants')).json()) as {
      tenants: { id: string; clientIds: string[]; apiKeys: Record<string, unknown>[] }[];
    };
    const zeta = listed.tenants.find((tenant) => tenant.id === 'zeta')!;
    assert.deepEqual(zeta.clientIds, [fingerprint(f.stranger.public)]);
    assert.equal(zeta.apiKeys[0]!.id, apiKey.id);
    assert.ok(!JSON.stringify(listed).includes(apiKey.key.slice(-20)), 'no secret is listed');
    assert.equal((await call(`/v1/admin/api-keys/${apiKey.id}/revoke`, { method: 'POST' })).status, 200);
    const removed = await call(`/v1/admin/tenants/zeta/clients/${fingerprint(f.stranger.public)}`, {
      method: 'DELETE',
    });
    assert.equal(removed.status, 200);
    const missing = await call('/v1/admin/tenants/nobody/api-keys', {
      method: 'POST',
      body: JSON.stringify({ scopes: ['submit'] }),
    });
    assert.equal(missing.status, 404);
  });

  it('refuses a revoked key on two replicas over one database within the cache TTL', async () => {
    const replica = await f.replica({ ANCHORPOST_RELAY_TENANTS_CACHE_TTL: '200ms' });
    const { key, id } = await f.administration.issueApiKey(f.tenant, ['submit']);
    const headers = { authorization: `Bearer ${key}` };
    const post = (url: string) =>
      f.txFile(`replica ${Math.random()}`).then((bytes) =>
        fetch(`${url}/v1/tx-files`, {
          method: 'POST',
          headers: { 'content-type': 'application/yaml', ...headers },
          body: bytes,
        }),
      );
    assert.equal((await post(http)).status, 201);
    assert.equal((await post(replica.urls.http!)).status, 201);
    await f.administration.revokeApiKey(id);
    const revokedAt = Date.now();
    for (const url of [http, replica.urls.http!]) {
      let status = 0;
      while (Date.now() - revokedAt < 5_000) {
        status = (await post(url)).status;
        if (status === 401) break;
        await sleep(20);
      }
      assert.equal(status, 401, url);
    }
    assert.ok(Date.now() - revokedAt < 1_000, `refused on both within ${Date.now() - revokedAt} ms`);
  });
});
