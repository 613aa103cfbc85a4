/**
 * What the Relay asks about tenants while it accepts a file: the tenants file's TenantRegistry
 * answers synchronously (UNKNOWN_TENANT, UNKNOWN_CLIENT), TenantAccess over the TenantStore
 * asynchronously (UNAUTHENTICATED for both, so that an authenticated caller learns nothing more).
 */
import type { PublicIdentity } from '@anchorpost/protocol';

export interface TenantDirectory {
  /** Throws if the relay does not serve this tenant. */
  checkTenant(tenantId: string): void | Promise<void>;
  /** The tenant's client key with this id; throws otherwise. */
  clientKey(tenantId: string, clientId: string): PublicIdentity | Promise<PublicIdentity>;
  /**
   * Records that the tenant is sending to the recipient, so it may subscribe to it; durable when
   * it resolves. Absent where subscriptions are not checked (a relay on a tenants file).
   */
  recordRecipient?(tenantId: string, recipientHash: string): Promise<void>;
}
