// Who a caller is: an API key names its tenant, and every way of failing gives one answer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fingerprint, generateIdentity, toPublicKeyFile } from '@anchorpost/protocol';
import { isRelayError } from '../src/relay-error.ts';
import { MemoryTenantStore } from '../src/testing/memory-tenant-store.ts';
import { NOT_ENTITLED_MESSAGE, TenantAccess, UNAUTHENTICATED_MESSAGE } from '../src/tenants/tenant-access.ts';
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

const hashOf = (digit: string): string => digit.repeat(128);

describe('TenantAccess: entitlement to subscribe', () => {
  it('refuses a recipient the tenant neither sent to nor has registered, with one NOT_ENTITLED', async () => {
    const { admin, access } = await setUp();
    await access.recordRecipient('other', hashOf('a'));
    const answers = new Set([
      await refusal(access.checkEntitled('acme', hashOf('a'))), // another tenant's recipient
      await refusal(access.checkEntitled('acme', hashOf('b'))), // nobody's
      await refusal(access.checkEntitled('nobody', hashOf('a'))),
    ]);
    assert.deepEqual(
      [...answers],
      [JSON.stringify({ code: 'NOT_ENTITLED', message: NOT_ENTITLED_MESSAGE, kind: 'forbidden' })],
    );
    await access.checkEntitled('other', hashOf('a'));
    await admin.registerRecipient('acme', hashOf('b'));
    await assert.rejects(access.checkEntitled('acme', 'B'.repeat(128)), { code: 'BAD_RECIPIENT' });
  });

  it('entitles a sender at once, even after a cached refusal', async () => {
    const { access } = await setUp(60_000);
    await assert.rejects(access.checkEntitled('acme', hashOf('c')), { code: 'NOT_ENTITLED' });
    await access.recordRecipient('acme', hashOf('c'));
    await access.checkEntitled('acme', hashOf('c'));
    await assert.rejects(access.recordRecipient('nobody', hashOf('c')), { code: 'TENANT_NOT_FOUND' });
  });

  it('writes a sent recipient once per TTL while it is known', async () => {
    const { store } = await setUp();
    let writes = 0;
    const counting = Object.create(store) as MemoryTenantStore;
    counting.recordSentRecipient = (...args) => {
      writes++;
      return store.recordSentRecipient(...args);
    };
    let now = 0;
    const access = new TenantAccess({ store: counting, cacheTtlMs: 5_000, clock: () => now });
    for (let i = 0; i < 3; i++) await access.recordRecipient('acme', hashOf('d'));
    assert.equal(writes, 1);
    now += 5_000;
    await access.recordRecipient('acme', hashOf('d'));
    assert.equal(writes, 2);
  });

  it('sees a registration and its removal within the cache TTL, not before', async () => {
    const { admin, access, advance } = await setUp(5_000);
    await assert.rejects(access.checkEntitled('acme', hashOf('e')), { code: 'NOT_ENTITLED' });
    assert.equal(await admin.registerRecipient('acme', hashOf('e')), true);
    advance(4_999);
    await assert.rejects(access.checkEntitled('acme', hashOf('e')), { code: 'NOT_ENTITLED' });
    advance(1);
    await access.checkEntitled('acme', hashOf('e'));
    await admin.unregisterRecipient('acme', hashOf('e'));
    advance(4_999);
    await access.checkEntitled('acme', hashOf('e'));
    advance(1);
    await assert.rejects(access.checkEntitled('acme', hashOf('e')), { code: 'NOT_ENTITLED' });
  });

  it('reads a made-up recipient once per TTL, in a bounded cache, and never a malformed one', async () => {
    const { store } = await setUp();
    let reads = 0;
    const counting = Object.create(store) as MemoryTenantStore;
    counting.isEntitled = (tenantId, hash) => {
      reads++;
      return store.isEntitled(tenantId, hash);
    };
    const access = new TenantAccess({ store: counting, cacheTtlMs: 60_000, cacheEntries: 2 });
    for (let i = 0; i < 5; i++) {
      await assert.rejects(access.checkEntitled('acme', hashOf('f')), { code: 'NOT_ENTITLED' });
    }
    assert.equal(reads, 1);
    for (const digit of ['1', '2']) await assert.rejects(access.checkEntitled('acme', hashOf(digit)));
    await assert.rejects(access.checkEntitled('acme', hashOf('f')));
    assert.equal(reads, 4, 'the oldest entry was dropped');
    await assert.rejects(access.checkEntitled('acme', 'f'.repeat(1_000_000)), { code: 'BAD_RECIPIENT' });
    assert.equal(reads, 4);
  });

  it('lets the operator register, list and remove recipients, refusing bad arguments', async () => {
    const { admin, access } = await setUp();
    await access.recordRecipient('acme', hashOf('2'));
    assert.equal(await admin.registerRecipient('acme', hashOf('1')), true);
    assert.equal(await admin.registerRecipient('acme', hashOf('1')), false);
    assert.equal(await admin.registerRecipient('acme', hashOf('3')), true);
    const first = await admin.listRecipients('acme', undefined, 2);
    assert.deepEqual(
      first.recipients.map((entry) => [
        entry.recipientHash[0],
        entry.sentAt !== null,
        entry.registeredAt !== null,
      ]),
      [
        ['1', false, true],
        ['2', true, false],
      ],
    );
    assert.equal(first.next, hashOf('2'));
    const second = await admin.listRecipients('acme', first.next, 2);
    assert.deepEqual(
      second.recipients.map((entry) => entry.recipientHash[0]),
      ['3'],
    );
    assert.equal(second.next, null);
    await admin.unregisterRecipient('acme', hashOf('1'));
    await assert.rejects(admin.unregisterRecipient('acme', hashOf('1')), {
      code: 'BAD_ARGUMENT',
      field: 'recipientHash',
    });
    await assert.rejects(admin.unregisterRecipient('acme', hashOf('2')), {
      code: 'BAD_ARGUMENT',
      field: 'recipientHash',
    });
    await assert.rejects(admin.registerRecipient('acme', 'abc'), {
      code: 'BAD_ARGUMENT',
      field: 'recipientHash',
    });
    await assert.rejects(admin.registerRecipient('nobody', hashOf('1')), { code: 'TENANT_NOT_FOUND' });
    await assert.rejects(admin.listRecipients('nobody'), { code: 'TENANT_NOT_FOUND' });
    await assert.rejects(admin.listRecipients('acme', 'x'), { code: 'BAD_ARGUMENT', field: 'after' });
    await assert.rejects(admin.listRecipients('acme', undefined, 0), {
      code: 'BAD_ARGUMENT',
      field: 'limit',
    });
  });
});

describe('importTenants', () => {
  it('imports a tenants file once, API keys hashed, into an empty store only', async () => {
    const app = await generateIdentity('modern');
    const { key } = newApiKey();
    const registry = TenantRegistry.fromObject({
      tenants: [
        {
          id: 'acme',
          clientKeys: [toPublicKeyFile(app.public)],
          apiKeys: [{ key, scopes: ['submit'] }],
          recipients: [hashOf('7')],
        },
      ],
    });
    const store = new MemoryTenantStore();
    assert.deepEqual(await importTenants(store, registry), ['acme']);
    const access = new TenantAccess({ store });
    assert.equal((await access.authenticate(`Bearer ${key}`, 'submit')).tenantId, 'acme');
    assert.ok(!JSON.stringify(await store.apiKey(key.slice(4, 20))).includes(key.slice(21)), 'only a hash');
    await access.checkEntitled('acme', hashOf('7'));
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
    assert.throws(
      () => TenantRegistry.fromObject({ tenants: [{ id: 'a', clientKeys: [], recipients: ['nope'] }] }),
      { code: 'BAD_CONFIG', message: /tenants\[0\]\.recipients\[0\]/ },
    );
  });
});
