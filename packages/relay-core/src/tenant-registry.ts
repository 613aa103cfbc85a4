/**
 * The tenants a relay serves and each tenant's registered client keys, as public key files
 * written by `anchorpost keys new`. Looked up by the tx-file's `client.id` (the key's fingerprint).
 */
import { readFile } from 'node:fs/promises';
import { fingerprint, parsePublicKeyFile } from '@anchorpost/protocol';
import type { PublicIdentity } from '@anchorpost/protocol';
import { RelayError, RelayErrorCode } from './relay-error.ts';
import type { TenantDirectory } from './tenants/tenant-directory.ts';

/** `{ tenants: [{ id, clientKeys: [<public key file>, …] }] }` */
export interface TenantRegistryFile {
  tenants: { id: string; clientKeys: unknown[] }[];
}

const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function bad(where: string, message: string, cause?: unknown): RelayError {
  return new RelayError(RelayErrorCode.BadConfig, `${where}: ${message}`, { cause });
}

export class TenantRegistry implements TenantDirectory {
  readonly #tenants: Map<string, Map<string, PublicIdentity>>;

  private constructor(tenants: Map<string, Map<string, PublicIdentity>>) {
    this.#tenants = tenants;
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
    }
    return new TenantRegistry(tenants);
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

  /** Every tenant with its client keys (for the first-start import into a TenantStore). */
  entries(): { id: string; clientKeys: PublicIdentity[] }[] {
    return [...this.#tenants.entries()].map(([id, keys]) => ({ id, clientKeys: [...keys.values()] }));
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
