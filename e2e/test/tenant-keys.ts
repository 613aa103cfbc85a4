// The tenants the scenarios start with, as an operator's first-start tenants file: each tenant's
// client app keys and one API key (submit and subscribe) that its callers send as a Bearer token.
import { newApiKey } from '@anchorpost/relay-core';
import { toPublicKeyFile, type PrivateIdentity } from '@anchorpost/protocol';

export interface TenantsSetup {
  /** The tenants file content. */
  readonly tenants: unknown;
  /** Each tenant's API key. */
  readonly apiKeys: Readonly<Record<string, string>>;
}

export function tenantsSetup(apps: readonly { tenant: string; app: PrivateIdentity }[]): TenantsSetup {
  const ids = [...new Set(apps.map((entry) => entry.tenant))];
  const apiKeys = Object.fromEntries(ids.map((id) => [id, newApiKey().key]));
  return {
    apiKeys,
    tenants: {
      tenants: ids.map((id) => ({
        id,
        clientKeys: apps
          .filter((entry) => entry.tenant === id)
          .map((entry) => toPublicKeyFile(entry.app.public)),
        apiKeys: [{ key: apiKeys[id], scopes: ['submit', 'subscribe'] }],
      })),
    },
  };
}
