/** Tenants, their client keys and API keys: the port and who a caller is (the PostgreSQL adapter is in the relay service). */
export {
  API_KEY_SCOPES,
  hashApiKeySecret,
  isApiKeyScope,
  newApiKey,
  parseApiKey,
  type ApiKeyScope,
} from './api-key.ts';
export type { StoredApiKey, TenantStore, TenantSummary } from './tenant-store.ts';
export type { TenantDirectory } from './tenant-directory.ts';
export {
  TENANT_ACCESS_DEFAULTS,
  TenantAccess,
  UNAUTHENTICATED_MESSAGE,
  unauthenticated,
  type Caller,
  type TenantAccessOptions,
  type TenantReads,
} from './tenant-access.ts';
export { importTenants } from './import-tenants.ts';
export { TenantAdministration, type IssuedApiKey } from './tenant-administration.ts';
