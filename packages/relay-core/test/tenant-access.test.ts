// Who a caller is: an API key names its tenant, and every way of failing gives one answer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fingerprint, generateIdentity, toPublicKeyFile } from '@anchorpost/protocol';
import { isRelayError } from '../src/relay-error.ts';
import { MemoryTenantStore } from '../src/testing/memory-tenant-store.ts';
import { TenantAccess, UNAUTHENTICATED_MESSAGE } from '../src/tenants/tenant-access.ts';
import { TenantAdministration } from '../src/tenants/tenant-administration.ts';
import { TenantRegistry } from '../src/tenant-registry.ts';
import { importTenants } from '../src/tenants/import-tenants.ts';
import { newApiKey } from '../src/tenants/api-key.ts';

async function setUp(ttlMs = 5_000) {
  let now = Date.parse('2026-12-06T20:00:00.000Z');
  const clock = () => now;
  const store = new MemoryTenantStore();
  const admin = new TenantAdministration(store, () => new Date(now));
  await admin.addTenant('acme');
  await admin.addTenant('other');
  const app = await generateIdentity('modern');
  await admin.addClientKey('acme', toPublicKeyFile(app.public));
  const access = new TenantAccess({ store, cacheTtlMs: ttlMs, clock });
  return {
    store,
    admin,
    access,
    app,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

/** The refusal's code and message, to compare answers byte for byte. */
async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isRelayError(error), String(error));
    return JSON.stringify({ code: error.code, message: error.message, kind: error.kind, field: error.field });
  }
  assert.fail('expected a refusal');
}

describe('TenantAccess', () => {
  it('names the tenant of a valid key with the scope', async () => {
    const { admin, access } = await setUp();
    const { key, id } = await admin.issueApiKey('acme', ['submit']);
    assert.deepEqual(await access.authenticate(`Bearer ${key}`, 'submit'), {
      tenantId: 'acme',
      apiKeyId: id,
    });
    assert.deepEqual(await access.authenticate(`bearer ${key}`, 'submit', 'acme'), {
      tenantId: 'acme',
      apiKeyId: id,
    });
  });

  it('gives one answer to every failure', async () => {
    const { admin, access, advance } = await setUp();
    const good = await admin.issueApiKey('acme', ['submit']);
    const revoked = await admin.issueApiKey('acme', ['submit']);
    await admin.revokeApiKey(revoked.id);
    const expiring = await admin.issueApiKey('acme', ['submit'], '2026-12-06T20:00:01.000Z');
    advance(2_000);
    const unknown = good.key.replace(good.id, '0123456789abcdef');
    const wrongSecret = `${good.key.slice(0, -4)}AAAA`;
    const answers = new Set<string>();
    for (const [authorization, scope, claimed] of [
      [undefined, 'submit', undefined],
      ['', 'submit', undefined],
      [good.key, 'submit', undefined], // no "Bearer"
      ['Bearer nonsense', 'submit', undefined],
      [`Bearer ${unknown}`, 'submit', undefined],
      [`Bearer ${wrongSecret}`, 'submit', undefined],
      [`Bearer ${revoked.key}`, 'submit', undefined],
      [`Bearer ${expiring.key}`, 'submit', undefined],
      [`Bearer ${good.key}`, 'subscribe', undefined],
      [`Bearer ${good.key}`, 'admin', undefined],
      [`Bearer ${good.key}`, 'submit', 'other'],
      [`Bearer ${'x'.repeat(100_000)}`, 'submit', undefined],
    ] as const) {
      answers.add(await refusal(access.authenticate(authorization, scope, claimed)));
    }
    answers.add(await refusal(access.clientKey('acme', 'f'.repeat(64))));
    answers.add(await refusal(access.clientKey('nobody', 'f'.repeat(64))));
    answers.add(await refusal(access.checkTenant('nobody')));
    assert.deepEqual(
      [...answers],
      [
        JSON.stringify({
          code: 'UNAUTHENTICATED',
          message: UNAUTHENTICATED_MESSAGE,
          kind: 'unauthenticated',
        }),
      ],
    );
  });

  it('sees a revoked key and a removed client within the cache TTL, not before', async () => {
    const { admin, access, app, advance } = await setUp(5_000);
    const { key, id } = await admin.issueApiKey('acme', ['submit']);
    await access.authenticate(`Bearer ${key}`, 'submit');
    await access.clientKey('acme', fingerprint(app.public));
    await admin.revokeApiKey(id);
    await admin.removeClientKey('acme', fingerprint(app.public));
    advance(4_999);
    await access.authenticate(`Bearer ${key}`, 'submit');
    await access.clientKey('acme', fingerprint(app.public));
    advance(1);
    await assert.rejects(access.authenticate(`Bearer ${key}`, 'submit'), { code: 'UNAUTHENTICATED' });
    await assert.rejects(access.clientKey('acme', fingerprint(app.public)), { code: 'UNAUTHENTICATED' });
  });

  it('reads a stranger’s made-up key id once per TTL, in a bounded cache', async () => {
    const { store, admin } = await setUp();
    let reads = 0;
    const counting = Object.create(store) as MemoryTenantStore;
    counting.apiKey = (id) => {
      reads++;
      return store.apiKey(id);
    };
    const access = new TenantAccess({ store: counting, cacheTtlMs: 60_000, cacheEntries: 2 });
    const { key, id } = await admin.issueApiKey('acme', ['submit']);
    const made = key.replace(id, 'aaaaaaaaaaaaaaaa');
    for (let i = 0; i < 5; i++) {
      await assert.rejects(access.authenticate(`Bearer ${made}`, 'submit'), { code: 'UNAUTHENTICATED' });
    }
    assert.equal(reads, 1);
    for (const other of ['bbbbbbbbbbbbbbbb', 'cccccccccccccccc']) {
      await assert.rejects(access.authenticate(`Bearer ${key.replace(id, other)}`, 'submit'));
    }
    await assert.rejects(access.authenticate(`Bearer ${made}`, 'submit'));
    assert.equal(reads, 4, 'the oldest entry was dropped');
  });

  it('refuses bad arguments to the administration with their field', async () => {
    const { admin } = await setUp();
    await assert.rejects(admin.addTenant('bad tenant'), { code: 'BAD_ARGUMENT', field: 'tenant' });
    await assert.rejects(admin.issueApiKey('acme', ['root']), { code: 'BAD_ARGUMENT', field: 'scopes' });
    await assert.rejects(admin.issueApiKey('acme', ['submit'], '2020-01-01T00:00:00Z'), {
      code: 'BAD_ARGUMENT',
      field: 'expiresAt',
    });
    await assert.rejects(admin.issueApiKey('nobody', ['submit']), { code: 'TENANT_NOT_FOUND' });
    await assert.rejects(admin.revokeApiKey('0123456789abcdef'), { code: 'BAD_ARGUMENT', field: 'id' });
    await assert.rejects(admin.addClientKey('acme', { not: 'a key' }), {
      code: 'BAD_ARGUMENT',
      field: 'publicKey',
    });
    await assert.rejects(admin.removeClientKey('acme', 'f'.repeat(64)), {
      code: 'BAD_ARGUMENT',
      field: 'clientId',
    });
  });
});

describe('importTenants', () => {
  it('imports a tenants file once, API keys hashed, into an empty store only', async () => {
    const app = await generateIdentity('modern');
    const { key } = newApiKey();
    const registry = TenantRegistry.fromObject({
      tenants: [
        { id: 'acme', clientKeys: [toPublicKeyFile(app.public)], apiKeys: [{ key, scopes: ['submit'] }] },
      ],
    });
    const store = new MemoryTenantStore();
    assert.deepEqual(await importTenants(store, registry), ['acme']);
    const access = new TenantAccess({ store });
    assert.equal((await access.authenticate(`Bearer ${key}`, 'submit')).tenantId, 'acme');
    assert.ok(!JSON.stringify(await store.apiKey(key.slice(4, 20))).includes(key.slice(21)), 'only a hash');
    await store.removeClientKey('acme', fingerprint(app.public));
    assert.deepEqual(await importTenants(store, registry), [], 'not again over what the operator changed');
    assert.equal((await store.clientKeys('acme'))!.size, 0);
    assert.throws(
      () =>
        TenantRegistry.fromObject({
          tenants: [{ id: 'a', clientKeys: [], apiKeys: [{ key: 'x', scopes: [] }] }],
        }),
      {
        code: 'BAD_CONFIG',
      },
    );
  });
});
