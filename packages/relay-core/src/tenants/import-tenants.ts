/**
 * The first-start import: a tenants file's tenants, client keys, API keys (hashed) and registered
 * recipients into an empty TenantStore.
 * Only when the store holds no tenant at all, so that the file never overrides what an operator
 * changed since (a removed client key stays removed).
 */
import type { TenantRegistry } from '../tenant-registry.ts';
import type { TenantStore } from './tenant-store.ts';

/** The tenants imported; none when the store already had tenants. */
export async function importTenants(store: TenantStore, registry: TenantRegistry): Promise<string[]> {
  if ((await store.listTenants()).length > 0) return [];
  const imported: string[] = [];
  for (const { id, clientKeys, apiKeys, recipients } of registry.entries()) {
    await store.addTenant(id);
    for (const identity of clientKeys) await store.addClientKey(id, identity);
    // Registering twice keeps the first registration: replicas importing together agree.
    for (const hash of recipients) await store.registerRecipient(id, hash, new Date());
    for (const key of apiKeys) {
      // Replicas starting together may import the same file at once: a key already there is fine.
      if ((await store.apiKey(key.id)) !== null) continue;
      try {
        await store.addApiKey({
          ...key,
          tenantId: id,
          createdAt: new Date(),
          expiresAt: null,
          revokedAt: null,
        });
      } catch (error) {
        if ((await store.apiKey(key.id)) === null) throw error;
      }
    }
    imported.push(id);
  }
  return imported;
}
