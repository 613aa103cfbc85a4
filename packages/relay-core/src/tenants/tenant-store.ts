/**
 * The TenantStore port: tenants, their client public keys and their API keys (hashed), kept
 * where every relay replica reads them (PostgreSQL in production). Reads go through TenantAccess,
 * which caches them briefly; writes come from the operator (admin API, CLI, first-start import),
 * except the recipients a tenant has sent to, which the relay records as it accepts its files.
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

/** A recipient hash a tenant is entitled to subscribe to, and why (at least one time is set). */
export interface TenantRecipient {
  recipientHash: string;
  /** When the tenant first sent to it (a file of its own was accepted for it). */
  sentAt: Date | null;
  /** When the operator registered it for the tenant (a member that only receives). */
  registeredAt: Date | null;
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
  /**
   * Records that the tenant sent to `recipientHash` (the first time is kept); TENANT_NOT_FOUND
   * without the tenant. Durable when it resolves.
   */
  recordSentRecipient(tenantId: string, recipientHash: string, at: Date): Promise<void>;
  /** Registers the recipient for the tenant; false if it was registered already (the first time is kept). TENANT_NOT_FOUND without the tenant. */
  registerRecipient(tenantId: string, recipientHash: string, at: Date): Promise<boolean>;
  /** Withdraws a registration (a recipient the tenant sent to stays); false if there was none. */
  unregisterRecipient(tenantId: string, recipientHash: string): Promise<boolean>;
  /** Whether the tenant has sent to the recipient or has it registered. */
  isEntitled(tenantId: string, recipientHash: string): Promise<boolean>;
  /**
   * Whether any tenant here may receive the recipient (sent to it or has it registered): a file a
   * peer platform anchored for it is delivered here, others are not (ADR 0031).
   */
  isServed(recipientHash: string): Promise<boolean>;
  /**
   * The tenant's recipients ordered by hash, after `after` (exclusive), at most `limit`; null
   * when there is no such tenant.
   */
  recipients(tenantId: string, after: string | null, limit: number): Promise<TenantRecipient[] | null>;
}
