/** A TEST DOUBLE of the TenantStore in memory, held to the same contract as the PostgreSQL one. */
import { fingerprint } from '@anchorpost/protocol';
import type { PublicIdentity } from '@anchorpost/protocol';
import { RelayError, RelayErrorCode } from '../relay-error.ts';
import type { TenantPlan } from '../quotas/plan.ts';
import type { StoredApiKey, TenantRecipient, TenantStore, TenantSummary } from '../tenants/tenant-store.ts';

interface MemoryTenant {
  createdAt: Date;
  clientKeys: Map<string, PublicIdentity>;
  recipients: Map<string, { sentAt: Date | null; registeredAt: Date | null }>;
  plan: TenantPlan;
}

function copyPlan(plan: TenantPlan): TenantPlan {
  return { plan: plan.plan, overrides: { ...plan.overrides } };
}

function copyKey(key: StoredApiKey): StoredApiKey {
  return {
    ...key,
    scopes: [...key.scopes],
    createdAt: new Date(key.createdAt),
    expiresAt: key.expiresAt === null ? null : new Date(key.expiresAt),
    revokedAt: key.revokedAt === null ? null : new Date(key.revokedAt),
  };
}

function withoutSecret(key: StoredApiKey): TenantSummary['apiKeys'][number] {
  const { id, scopes, createdAt, expiresAt, revokedAt } = copyKey(key);
  return { id, scopes, createdAt, expiresAt, revokedAt };
}

export class MemoryTenantStore implements TenantStore {
  readonly #tenants = new Map<string, MemoryTenant>();
  readonly #apiKeys = new Map<string, StoredApiKey>();

  #tenant(tenantId: string): MemoryTenant {
    const tenant = this.#tenants.get(tenantId);
    if (tenant === undefined) {
      throw new RelayError(RelayErrorCode.TenantNotFound, `no tenant ${tenantId}`, { field: 'tenant' });
    }
    return tenant;
  }

  addTenant(tenantId: string): Promise<boolean> {
    if (this.#tenants.has(tenantId)) return Promise.resolve(false);
    this.#tenants.set(tenantId, {
      createdAt: new Date(),
      clientKeys: new Map(),
      recipients: new Map(),
      plan: { plan: 'free', overrides: {} },
    });
    return Promise.resolve(true);
  }

  listTenants(): Promise<TenantSummary[]> {
    const keys = [...this.#apiKeys.values()].sort((a, b) => a.id.localeCompare(b.id));
    return Promise.resolve(
      [...this.#tenants.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([id, tenant]) => ({
          id,
          createdAt: new Date(tenant.createdAt),
          clientIds: [...tenant.clientKeys.keys()].sort(),
          apiKeys: keys.filter((key) => key.tenantId === id).map(withoutSecret),
          plan: copyPlan(tenant.plan),
        })),
    );
  }

  clientKeys(tenantId: string): Promise<Map<string, PublicIdentity> | null> {
    const tenant = this.#tenants.get(tenantId);
    return Promise.resolve(tenant === undefined ? null : new Map(tenant.clientKeys));
  }

  async addClientKey(tenantId: string, identity: PublicIdentity): Promise<void> {
    this.#tenant(tenantId).clientKeys.set(fingerprint(identity), identity);
    await Promise.resolve();
  }

  removeClientKey(tenantId: string, clientId: string): Promise<boolean> {
    return Promise.resolve(this.#tenants.get(tenantId)?.clientKeys.delete(clientId) ?? false);
  }

  async addApiKey(key: StoredApiKey): Promise<void> {
    this.#tenant(key.tenantId);
    if (this.#apiKeys.has(key.id)) {
      throw new RelayError(RelayErrorCode.BadArgument, `API key id ${key.id} exists`, { field: 'id' });
    }
    this.#apiKeys.set(key.id, copyKey(key));
    await Promise.resolve();
  }

  apiKey(id: string): Promise<StoredApiKey | null> {
    const key = this.#apiKeys.get(id);
    return Promise.resolve(key === undefined ? null : copyKey(key));
  }

  plan(tenantId: string): Promise<TenantPlan | null> {
    const tenant = this.#tenants.get(tenantId);
    return Promise.resolve(tenant === undefined ? null : copyPlan(tenant.plan));
  }

  async setPlan(tenantId: string, plan: TenantPlan): Promise<void> {
    this.#tenant(tenantId).plan = copyPlan(plan);
    await Promise.resolve();
  }

  revokeApiKey(id: string, at: Date): Promise<boolean> {
    const key = this.#apiKeys.get(id);
    if (key === undefined) return Promise.resolve(false);
    key.revokedAt ??= new Date(at);
    return Promise.resolve(true);
  }

  async recordSentRecipient(tenantId: string, recipientHash: string, at: Date): Promise<void> {
    const recipients = this.#tenant(tenantId).recipients;
    const entry = recipients.get(recipientHash) ?? { sentAt: null, registeredAt: null };
    entry.sentAt ??= new Date(at);
    recipients.set(recipientHash, entry);
    await Promise.resolve();
  }

  async registerRecipient(tenantId: string, recipientHash: string, at: Date): Promise<boolean> {
    const recipients = this.#tenant(tenantId).recipients;
    const entry = recipients.get(recipientHash) ?? { sentAt: null, registeredAt: null };
    recipients.set(recipientHash, entry);
    await Promise.resolve();
    if (entry.registeredAt !== null) return false;
    entry.registeredAt = new Date(at);
    return true;
  }

  unregisterRecipient(tenantId: string, recipientHash: string): Promise<boolean> {
    const recipients = this.#tenants.get(tenantId)?.recipients;
    const entry = recipients?.get(recipientHash);
    if (recipients === undefined || entry === undefined || entry.registeredAt === null) {
      return Promise.resolve(false);
    }
    entry.registeredAt = null;
    if (entry.sentAt === null) recipients.delete(recipientHash);
    return Promise.resolve(true);
  }

  isServed(recipientHash: string): Promise<boolean> {
    return Promise.resolve(
      [...this.#tenants.values()].some((tenant) => tenant.recipients.has(recipientHash)),
    );
  }

  isEntitled(tenantId: string, recipientHash: string): Promise<boolean> {
    return Promise.resolve(this.#tenants.get(tenantId)?.recipients.has(recipientHash) ?? false);
  }

  recipients(tenantId: string, after: string | null, limit: number): Promise<TenantRecipient[] | null> {
    const tenant = this.#tenants.get(tenantId);
    if (tenant === undefined) return Promise.resolve(null);
    return Promise.resolve(
      [...tenant.recipients.entries()]
        .filter(([hash]) => after === null || hash > after)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .slice(0, limit)
        .map(([recipientHash, { sentAt, registeredAt }]) => ({
          recipientHash,
          sentAt: sentAt === null ? null : new Date(sentAt),
          registeredAt: registeredAt === null ? null : new Date(registeredAt),
        })),
    );
  }
}
