/**
 * The TenantStore contract, run against the in-memory test double and the PostgreSQL store
 * (embedded PGlite, and a real server when one is given): tenants are added once, client keys
 * round-trip as identities, API keys round-trip exactly and are revoked once, and a tenant that
 * does not exist is TENANT_NOT_FOUND for writes and null for reads.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fingerprint, generateIdentity } from '@anchorpost/protocol';
import { newApiKey } from '../tenants/api-key.ts';
import type { StoredApiKey, TenantStore } from '../tenants/tenant-store.ts';

export interface TenantStoreFactory {
  /** A new, empty store and how to dispose of it. */
  create(): Promise<{ store: TenantStore; destroy(): Promise<void> }>;
}

function apiKeyFor(tenantId: string, overrides: Partial<StoredApiKey> = {}): StoredApiKey {
  const { id, secretHash } = newApiKey();
  return {
    id,
    tenantId,
    secretHash,
    scopes: ['submit', 'subscribe'],
    createdAt: new Date('2026-12-06T20:00:00.123Z'),
    expiresAt: null,
    revokedAt: null,
    ...overrides,
  };
}

export function tenantStoreContract(name: string, factory: TenantStoreFactory): void {
  describe(`TenantStore contract: ${name}`, () => {
    let store: TenantStore;
    let destroy: (() => Promise<void>) | undefined;

    before(async () => {
      const created = await factory.create();
      store = created.store;
      destroy = () => created.destroy();
    });
    after(async () => {
      await destroy?.();
    });

    it('adds a tenant once and lists tenants by id', async () => {
      assert.equal(await store.addTenant('beta'), true);
      assert.equal(await store.addTenant('alpha'), true);
      assert.equal(await store.addTenant('alpha'), false);
      const listed = await store.listTenants();
      assert.deepEqual(
        listed.map((tenant) => tenant.id),
        ['alpha', 'beta'],
      );
      assert.ok(listed[0]!.createdAt instanceof Date);
    });

    it('keeps client keys as identities by fingerprint, and removes them', async () => {
      await store.addTenant('clients');
      const app = await generateIdentity('modern');
      await store.addClientKey('clients', app.public);
      await store.addClientKey('clients', app.public);
      const keys = await store.clientKeys('clients');
      assert.deepEqual([...keys!.keys()], [fingerprint(app.public)]);
      assert.equal(fingerprint(keys!.get(fingerprint(app.public))!), fingerprint(app.public));
      assert.equal(await store.removeClientKey('clients', fingerprint(app.public)), true);
      assert.equal(await store.removeClientKey('clients', fingerprint(app.public)), false);
      assert.equal((await store.clientKeys('clients'))!.size, 0);
      assert.equal(await store.clientKeys('nobody'), null);
    });

    it('refuses client and API keys for a tenant that does not exist', async () => {
      await assert.rejects(store.addClientKey('nobody', (await generateIdentity('modern')).public), {
        code: 'TENANT_NOT_FOUND',
      });
      await assert.rejects(store.addApiKey(apiKeyFor('nobody')), { code: 'TENANT_NOT_FOUND' });
    });

    it('keeps API keys exactly and lists them without their hashes', async () => {
      await store.addTenant('keys');
      const key = apiKeyFor('keys', { scopes: ['admin'], expiresAt: new Date('2027-01-01T00:00:00.000Z') });
      await store.addApiKey(key);
      assert.deepEqual(await store.apiKey(key.id), key);
      assert.equal(await store.apiKey('0000000000000000'), null);
      const listed = (await store.listTenants()).find((tenant) => tenant.id === 'keys')!;
      assert.deepEqual(listed.apiKeys, [
        {
          id: key.id,
          scopes: ['admin'],
          createdAt: key.createdAt,
          expiresAt: key.expiresAt,
          revokedAt: null,
        },
      ]);
    });

    it('revokes a key once, keeping the first time', async () => {
      await store.addTenant('revoke');
      const key = apiKeyFor('revoke');
      await store.addApiKey(key);
      const first = new Date('2026-12-06T20:10:00.000Z');
      assert.equal(await store.revokeApiKey(key.id, first), true);
      assert.equal(await store.revokeApiKey(key.id, new Date('2026-12-06T20:20:00.000Z')), true);
      assert.deepEqual((await store.apiKey(key.id))?.revokedAt, first);
      assert.equal(await store.revokeApiKey('0000000000000000', first), false);
    });

    it('keeps a plan with its overrides; a new tenant is on the free plan', async () => {
      await store.addTenant('planned');
      assert.deepEqual(await store.plan('planned'), { plan: 'free', overrides: {} });
      await store.setPlan('planned', { plan: 'pro', overrides: { filesPerSecond: 7, bytesPerDay: 2 ** 40 } });
      assert.deepEqual(await store.plan('planned'), {
        plan: 'pro',
        overrides: { filesPerSecond: 7, bytesPerDay: 2 ** 40 },
      });
      await store.setPlan('planned', { plan: 'free', overrides: {} });
      assert.deepEqual(await store.plan('planned'), { plan: 'free', overrides: {} });
      const listed = (await store.listTenants()).find((tenant) => tenant.id === 'planned');
      assert.deepEqual(listed?.plan, { plan: 'free', overrides: {} });
      assert.equal(await store.plan('nobody'), null);
      await assert.rejects(store.setPlan('nobody', { plan: 'pro', overrides: {} }), {
        code: 'TENANT_NOT_FOUND',
      });
    });

    it('returns copies: changing a result changes nothing stored', async () => {
      await store.addTenant('copies');
      const key = apiKeyFor('copies');
      await store.addApiKey(key);
      const read = (await store.apiKey(key.id))!;
      read.scopes.push('admin');
      read.createdAt.setTime(0);
      assert.deepEqual(await store.apiKey(key.id), key);
    });
  });
}
