/** Tenants, their client keys and API keys: the port and who a caller is (the PostgreSQL adapter is in the relay service). */
export {
  API_KEY_SCOPES,
  hashApiKeySecret,
  isApiKeyScope,
  newApiKey,
  parseApiKey,
  type ApiKeyScope,
} from './api-key.ts';
export type { StoredApiKey, TenantRecipient, TenantStore, TenantSummary } from './tenant-store.ts';
export { checkRecipientHash, isRecipientHash } from './recipient-hash.ts';
export type { TenantDirectory } from './tenant-directory.ts';
export {
  NOT_ENTITLED_MESSAGE,
  notEntitled,
  TENANT_ACCESS_DEFAULTS,
  TenantAccess,
  UNAUTHENTICATED_MESSAGE,
  unauthenticated,
  type Caller,
  type TenantAccessOptions,
  type TenantEntitlements,
  type TenantReads,
} from './tenant-access.ts';
export { importTenants } from './import-tenants.ts';
export {
  TenantAdministration,
  TENANT_RECIPIENTS_PAGE,
  type IssuedApiKey,
  type TenantRecipientsPage,
} from './tenant-administration.ts';
