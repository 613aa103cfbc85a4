/**
 * The TenantStore contract, run against the in-memory test double and the PostgreSQL store
 * (embedded PGlite, and a real server when one is given): tenants are added once, client keys
 * round-trip as identities, API keys round-trip exactly and are revoked once, recipients a tenant
 * sent to or had registered entitle that tenant alone, and a tenant that does not exist is
 * TENANT_NOT_FOUND for writes and null for reads.
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

/** A recipient hash (128 hex) from one hex digit, so that tests can order them. */
const hashOf = (digit: string): string => digit.repeat(128);

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

    it('records a recipient the tenant sent to, keeping the first time, for that tenant alone', async () => {
      await store.addTenant('sender');
      await store.addTenant('stranger');
      const first = new Date('2026-12-06T21:00:00.000Z');
      await store.recordSentRecipient('sender', hashOf('a'), first);
      await store.recordSentRecipient('sender', hashOf('a'), new Date('2026-12-06T21:05:00.000Z'));
      assert.equal(await store.isEntitled('sender', hashOf('a')), true);
      assert.equal(await store.isEntitled('stranger', hashOf('a')), false);
      assert.equal(await store.isEntitled('sender', hashOf('b')), false);
      assert.deepEqual(await store.recipients('sender', null, 10), [
        { recipientHash: hashOf('a'), sentAt: first, registeredAt: null },
      ]);
      assert.deepEqual(await store.recipients('stranger', null, 10), []);
      assert.equal(await store.recipients('nobody', null, 10), null);
      assert.equal(await store.isEntitled('nobody', hashOf('a')), false);
      assert.equal(await store.isServed(hashOf('a')), true, 'some tenant here may receive it');
      assert.equal(await store.isServed(hashOf('b')), false);
    });

    it('registers a recipient once and withdraws only the registration', async () => {
      await store.addTenant('member');
      const at = new Date('2026-12-06T21:10:00.000Z');
      assert.equal(await store.registerRecipient('member', hashOf('c'), at), true);
      assert.equal(await store.registerRecipient('member', hashOf('c'), new Date()), false);
      assert.equal(await store.isEntitled('member', hashOf('c')), true);
      assert.deepEqual(await store.recipients('member', null, 10), [
        { recipientHash: hashOf('c'), sentAt: null, registeredAt: at },
      ]);
      assert.equal(await store.unregisterRecipient('member', hashOf('c')), true);
      assert.equal(await store.unregisterRecipient('member', hashOf('c')), false);
      assert.equal(await store.isEntitled('member', hashOf('c')), false);
      assert.equal(await store.isServed(hashOf('c')), false, 'served no more once withdrawn');
      assert.deepEqual(await store.recipients('member', null, 10), []);
      // Registered and sent to: withdrawing the registration leaves what the tenant sent to.
      const sent = new Date('2026-12-06T21:20:00.000Z');
      await store.registerRecipient('member', hashOf('d'), at);
      await store.recordSentRecipient('member', hashOf('d'), sent);
      assert.equal(await store.unregisterRecipient('member', hashOf('d')), true);
      assert.equal(await store.isEntitled('member', hashOf('d')), true);
      assert.deepEqual(await store.recipients('member', null, 10), [
        { recipientHash: hashOf('d'), sentAt: sent, registeredAt: null },
      ]);
      assert.equal(await store.unregisterRecipient('member', hashOf('d')), false);
      assert.equal(await store.unregisterRecipient('nobody', hashOf('d')), false);
    });

    it('refuses recipients for a tenant that does not exist', async () => {
      await assert.rejects(store.recordSentRecipient('nobody', hashOf('a'), new Date()), {
        code: 'TENANT_NOT_FOUND',
      });
      await assert.rejects(store.registerRecipient('nobody', hashOf('a'), new Date()), {
        code: 'TENANT_NOT_FOUND',
      });
    });

    it('lists recipients by hash, a page after another', async () => {
      await store.addTenant('pages');
      const at = new Date('2026-12-06T21:30:00.000Z');
      for (const digit of ['5', '1', '9', '3']) await store.registerRecipient('pages', hashOf(digit), at);
      const page = async (after: string | null, limit: number) =>
        (await store.recipients('pages', after, limit))!.map((entry) => entry.recipientHash[0]);
      assert.deepEqual(await page(null, 2), ['1', '3']);
      assert.deepEqual(await page(hashOf('3'), 2), ['5', '9']);
      assert.deepEqual(await page(hashOf('9'), 2), []);
    });
  });
}
