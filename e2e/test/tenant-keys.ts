// The tenants the scenarios start with, as an operator's first-start tenants file: each tenant's
// client app keys, one API key (submit and subscribe) that its callers send as a Bearer token, and
// the recipients registered for it, so that its subscribers may listen before it has sent there.
import { newApiKey } from '@anchorpost/relay-core';
import {
  groupPublicKeyBytes,
  hmacHex,
  toPublicKeyFile,
  type GroupKeys,
  type PrivateIdentity,
} from '@anchorpost/protocol';

export interface TenantsSetup {
  /** The tenants file content. */
  readonly tenants: unknown;
  /** Each tenant's API key. */
  readonly apiKeys: Readonly<Record<string, string>>;
}

/** A group's recipient hash, as every tx-file to it names it (`recipient.sha512hash`). */
export function recipientHashOf(group: GroupKeys): string {
  return hmacHex(group.secret, groupPublicKeyBytes(group.suite, group.publicKey));
}

/** `recipients`: the recipient hashes registered for each tenant (by tenant id). */
export function tenantsSetup(
  apps: readonly { tenant: string; app: PrivateIdentity }[],
  recipients: Readonly<Record<string, readonly string[]>> = {},
): TenantsSetup {
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
        recipients: recipients[id] ?? [],
      })),
    },
  };
}
