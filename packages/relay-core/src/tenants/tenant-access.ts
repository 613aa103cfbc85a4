/**
 * Who a caller is: its API key names its tenant. Reads the TenantStore through a small cache with
 * a short time to live, so that an operator's change (a revoked key, a removed client) reaches
 * every relay replica within `cacheTtlMs` without a restart, and so that a stranger's made-up keys
 * (cached as misses, in a bounded map) cost one database read per key id per TTL at most.
 *
 * Every refusal is the same UNAUTHENTICATED error with the same message: unknown key, wrong
 * secret, revoked, expired, missing scope, another tenant named, unknown client.
 */
import type { PublicIdentity } from '@anchorpost/protocol';
import { RelayError, RelayErrorCode } from '../relay-error.ts';
import { parseApiKey, secretMatches } from './api-key.ts';
import type { ApiKeyScope } from './api-key.ts';
import type { StoredApiKey, TenantStore } from './tenant-store.ts';

export const UNAUTHENTICATED_MESSAGE = 'missing or invalid credentials';

export function unauthenticated(): RelayError {
  return new RelayError(RelayErrorCode.Unauthenticated, UNAUTHENTICATED_MESSAGE);
}

/** What TenantAccess reads of a TenantStore: other services authenticate with the relay's keys from it. */
export type TenantReads = Pick<TenantStore, 'apiKey' | 'clientKeys'>;

export interface TenantAccessOptions {
  store: TenantReads;
  /** How long a read is trusted: a change takes at most this long to be seen. Default 5 s. */
  cacheTtlMs?: number;
  /** Entries per cache (keys, tenants); the oldest go first. Default 10,000. */
  cacheEntries?: number;
  clock?: () => number;
}

export const TENANT_ACCESS_DEFAULTS = { cacheTtlMs: 5_000, cacheEntries: 10_000 } as const;

/** A bounded map of reads with their time; a miss is cached as null. */
class ReadCache<V> {
  readonly #entries = new Map<string, { value: V | null; at: number }>();
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #clock: () => number;

  constructor(ttlMs: number, max: number, clock: () => number) {
    this.#ttlMs = ttlMs;
    this.#max = max;
    this.#clock = clock;
  }

  async get(key: string, read: () => Promise<V | null>): Promise<V | null> {
    const now = this.#clock();
    const cached = this.#entries.get(key);
    if (cached !== undefined && now - cached.at < this.#ttlMs) return cached.value;
    const value = await read();
    this.#entries.delete(key);
    this.#entries.set(key, { value, at: now });
    if (this.#entries.size > this.#max) this.#entries.delete(this.#entries.keys().next().value!);
    return value;
  }
}

export interface Caller {
  tenantId: string;
  apiKeyId: string;
}

export class TenantAccess {
  readonly #keys: ReadCache<StoredApiKey>;
  readonly #clients: ReadCache<Map<string, PublicIdentity>>;
  readonly #store: TenantReads;
  readonly #clock: () => number;

  constructor(options: TenantAccessOptions) {
    const ttl = options.cacheTtlMs ?? TENANT_ACCESS_DEFAULTS.cacheTtlMs;
    const entries = options.cacheEntries ?? TENANT_ACCESS_DEFAULTS.cacheEntries;
    for (const [name, value, min] of [
      ['cacheTtlMs', ttl, 0],
      ['cacheEntries', entries, 1],
    ] as const) {
      if (!Number.isSafeInteger(value) || value < min) {
        throw new RelayError(RelayErrorCode.BadConfig, `${name} must be an integer ≥ ${min}, got ${value}`);
      }
    }
    this.#store = options.store;
    this.#clock = options.clock ?? Date.now;
    this.#keys = new ReadCache(ttl, entries, this.#clock);
    this.#clients = new ReadCache(ttl, entries, this.#clock);
  }

  /**
   * The caller of an `Authorization` value (`Bearer <key>`) allowed `scope`; with `claimedTenant`
   * (the legacy `anchorpost-tenant` header) it must be the key's tenant. UNAUTHENTICATED otherwise.
   */
  async authenticate(
    authorization: string | undefined,
    scope: ApiKeyScope,
    claimedTenant?: string,
  ): Promise<Caller> {
    const match = authorization === undefined ? null : /^Bearer ([!-~]{1,256})$/i.exec(authorization.trim());
    const parsed = match === null ? null : parseApiKey(match[1]!);
    if (parsed === null) throw unauthenticated();
    const key = await this.#keys.get(parsed.id, () => this.#store.apiKey(parsed.id));
    // The secret is compared even for an unknown id, so both take the same time.
    const matches = secretMatches(parsed.secret, key?.secretHash ?? '0'.repeat(64));
    const now = this.#clock();
    if (
      key === null ||
      !matches ||
      key.revokedAt !== null ||
      (key.expiresAt !== null && key.expiresAt.getTime() <= now) ||
      !key.scopes.includes(scope) ||
      (claimedTenant !== undefined && claimedTenant !== key.tenantId)
    ) {
      throw unauthenticated();
    }
    return { tenantId: key.tenantId, apiKeyId: key.id };
  }

  /** Relay's tenant check: the tenant exists (the key's tenant may have been removed since). */
  async checkTenant(tenantId: string): Promise<void> {
    if ((await this.#clientsOf(tenantId)) === null) throw unauthenticated();
  }

  /** The tenant's client key with this id; UNAUTHENTICATED otherwise (same answer as a bad key). */
  async clientKey(tenantId: string, clientId: string): Promise<PublicIdentity> {
    const key = (await this.#clientsOf(tenantId))?.get(clientId);
    if (key === undefined) throw unauthenticated();
    return key;
  }

  #clientsOf(tenantId: string): Promise<Map<string, PublicIdentity> | null> {
    return this.#clients.get(tenantId, () => this.#store.clientKeys(tenantId));
  }
}
