/**
 * The TenantStore port: tenants, their client public keys and their API keys (hashed), kept
 * where every relay replica reads them (PostgreSQL in production). Reads go through TenantAccess,
 * which caches them briefly; writes come from the operator (admin API, CLI, first-start import).
 */
import type { PublicIdentity } from '@anchorpost/protocol';
import type { TenantPlan } from '../quotas/plan.ts';
import type { ApiKeyScope } from './api-key.ts';

export interface StoredApiKey {
  /** The key's public id (16 hex). */
  id: string;
  tenantId: string;
  /** SHA-256 of the secret, hex. */
  secretHash: string;
  scopes: ApiKeyScope[];
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export interface TenantSummary {
  id: string;
  createdAt: Date;
  /** Fingerprints of its client keys, sorted. */
  clientIds: string[];
  /** Its API keys without their hashes. */
  apiKeys: Omit<StoredApiKey, 'secretHash' | 'tenantId'>[];
  /** Its plan and the limits overridden for it. */
  plan: TenantPlan;
}

export interface TenantStore {
  /** Adds a tenant; false if it exists already (nothing changes then). */
  addTenant(tenantId: string): Promise<boolean>;
  listTenants(): Promise<TenantSummary[]>;
  /** The tenant's client keys by fingerprint; null when there is no such tenant. */
  clientKeys(tenantId: string): Promise<Map<string, PublicIdentity> | null>;
  /** Adds (or keeps) a client key; TENANT_NOT_FOUND without the tenant. */
  addClientKey(tenantId: string, identity: PublicIdentity): Promise<void>;
  /** Removes a client key; false if the tenant had none with this id. */
  removeClientKey(tenantId: string, clientId: string): Promise<boolean>;
  /** Stores a new API key; TENANT_NOT_FOUND without the tenant. */
  addApiKey(key: StoredApiKey): Promise<void>;
  apiKey(id: string): Promise<StoredApiKey | null>;
  /** The tenant's plan and overrides (a new tenant: `free`, none); null when there is no such tenant. */
  plan(tenantId: string): Promise<TenantPlan | null>;
  /** Puts the tenant on `plan` with exactly these overrides; TENANT_NOT_FOUND without the tenant. */
  setPlan(tenantId: string, plan: TenantPlan): Promise<void>;
  /** Marks the key revoked at `at` (an earlier revocation is kept); false if there is no such key. */
  revokeApiKey(id: string, at: Date): Promise<boolean>;
}
