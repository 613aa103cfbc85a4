/**
 * The tenants a relay serves and each tenant's registered client keys, as public key files
 * written by `anchorpost keys new`. Looked up by the tx-file's `client.id` (the key's fingerprint).
 */
import { readFile } from 'node:fs/promises';
import { fingerprint, parsePublicKeyFile } from '@anchorpost/protocol';
import type { PublicIdentity } from '@anchorpost/protocol';
import { RelayError, RelayErrorCode } from './relay-error.ts';
import type { TenantDirectory } from './tenants/tenant-directory.ts';
import { hashApiKeySecret, isApiKeyScope, parseApiKey } from './tenants/api-key.ts';
import { isRecipientHash } from './tenants/recipient-hash.ts';
import type { ApiKeyScope } from './tenants/api-key.ts';

/**
 * `{ tenants: [{ id, clientKeys: [<public key file>, …], apiKeys?: [{ key, scopes }], recipients?: [<hash>, …] }] }`.
 * `apiKeys` lets a first start (a test, a demo, a seeded install) come up with keys its callers
 * already hold; only their hashes reach the database. `recipients` are registered for the tenant,
 * so that it may subscribe to them before it has sent to them.
 */
export interface TenantRegistryFile {
  tenants: {
    id: string;
    clientKeys: unknown[];
    apiKeys?: { key: string; scopes: string[] }[];
    recipients?: string[];
  }[];
}

/** An API key of the tenants file, as it is imported (hashed). */
export interface RegistryApiKey {
  id: string;
  secretHash: string;
  scopes: ApiKeyScope[];
}

const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function bad(where: string, message: string, cause?: unknown): RelayError {
  return new RelayError(RelayErrorCode.BadConfig, `${where}: ${message}`, { cause });
}

function registryApiKeys(value: unknown, at: string): RegistryApiKey[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw bad(at, 'expected an array');
  return value.map((entry: unknown, i) => {
    const { key, scopes } = (entry ?? {}) as { key?: unknown; scopes?: unknown };
    const parsed = typeof key === 'string' ? parseApiKey(key) : null;
    if (parsed === null) throw bad(`${at}[${i}].key`, 'expected an API key (apk_<16 hex>_<43 base64url>)');
    if (
      !Array.isArray(scopes) ||
      scopes.length === 0 ||
      !scopes.every((scope): scope is ApiKeyScope => typeof scope === 'string' && isApiKeyScope(scope))
    ) {
      throw bad(`${at}[${i}].scopes`, 'expected one or more of submit, subscribe, admin');
    }
    return { id: parsed.id, secretHash: hashApiKeySecret(parsed.secret), scopes: [...new Set(scopes)] };
  });
}

function registryRecipients(value: unknown, at: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw bad(at, 'expected an array');
  for (const [i, hash] of value.entries()) {
    if (!isRecipientHash(hash)) throw bad(`${at}[${i}]`, 'expected a recipient hash (128 lower-case hex)');
  }
  return [...new Set(value as string[])];
}

export class TenantRegistry implements TenantDirectory {
  readonly #tenants: Map<string, Map<string, PublicIdentity>>;
  readonly #apiKeys: Map<string, RegistryApiKey[]>;
  readonly #recipients: Map<string, string[]>;

  private constructor(
    tenants: Map<string, Map<string, PublicIdentity>>,
    apiKeys: Map<string, RegistryApiKey[]>,
    recipients: Map<string, string[]>,
  ) {
    this.#tenants = tenants;
    this.#apiKeys = apiKeys;
    this.#recipients = recipients;
  }

  /** Validates the whole registry; BAD_CONFIG names the first bad entry (e.g. `tenants[1].clientKeys[0].id`). */
  static fromObject(value: unknown, where = 'tenants'): TenantRegistry {
    if (
      typeof value !== 'object' ||
      value === null ||
      !Array.isArray((value as TenantRegistryFile).tenants)
    ) {
      throw bad(where, 'expected { tenants: [...] }');
    }
    const tenants = new Map<string, Map<string, PublicIdentity>>();
    const apiKeys = new Map<string, RegistryApiKey[]>();
    const recipients = new Map<string, string[]>();
    for (const [i, entry] of (value as TenantRegistryFile).tenants.entries()) {
      const at = `${where}[${i}]`;
      if (typeof entry !== 'object' || typeof entry.id !== 'string' || !TENANT_ID.test(entry.id)) {
        throw bad(`${at}.id`, 'expected a tenant id (letters, digits, . _ -; at most 128)');
      }
      if (tenants.has(entry.id)) throw bad(`${at}.id`, `tenant ${entry.id} is listed twice`);
      if (!Array.isArray(entry.clientKeys)) throw bad(`${at}.clientKeys`, 'expected an array');
      const keys = new Map<string, PublicIdentity>();
      for (const [k, file] of entry.clientKeys.entries()) {
        const keyAt = `${at}.clientKeys[${k}]`;
        let identity: PublicIdentity;
        try {
          identity = parsePublicKeyFile(file, keyAt);
        } catch (cause) {
          throw bad(keyAt, (cause as Error).message, cause);
        }
        keys.set(fingerprint(identity), identity);
      }
      tenants.set(entry.id, keys);
      apiKeys.set(entry.id, registryApiKeys(entry.apiKeys, `${at}.apiKeys`));
      recipients.set(entry.id, registryRecipients(entry.recipients, `${at}.recipients`));
    }
    return new TenantRegistry(tenants, apiKeys, recipients);
  }

  static async fromFile(path: string): Promise<TenantRegistry> {
    let value: unknown;
    try {
      value = JSON.parse(await readFile(path, 'utf8'));
    } catch (cause) {
      throw bad(path, `cannot read the tenant registry (${(cause as Error).message})`, cause);
    }
    return TenantRegistry.fromObject(value, `${path}: tenants`);
  }

  hasTenant(tenantId: string): boolean {
    return this.#tenants.has(tenantId);
  }

  checkTenant(tenantId: string): void {
    if (!this.#tenants.has(tenantId)) {
      throw new RelayError(RelayErrorCode.UnknownTenant, `unknown tenant ${tenantId}`);
    }
  }

  /** Every tenant with its client keys, API keys and recipients (for the first-start import into a TenantStore). */
  entries(): {
    id: string;
    clientKeys: PublicIdentity[];
    apiKeys: RegistryApiKey[];
    recipients: string[];
  }[] {
    return [...this.#tenants.entries()].map(([id, keys]) => ({
      id,
      clientKeys: [...keys.values()],
      apiKeys: this.#apiKeys.get(id) ?? [],
      recipients: this.#recipients.get(id) ?? [],
    }));
  }

  /** The tenant's client key with this id; UNKNOWN_TENANT or UNKNOWN_CLIENT otherwise. */
  clientKey(tenantId: string, clientId: string): PublicIdentity {
    const keys = this.#tenants.get(tenantId);
    if (keys === undefined) throw new RelayError(RelayErrorCode.UnknownTenant, `unknown tenant ${tenantId}`);
    const key = keys.get(clientId);
    if (key === undefined) {
      throw new RelayError(
        RelayErrorCode.UnknownClient,
        `client ${clientId} is not registered for tenant ${tenantId}`,
      );
    }
    return key;
  }
}
