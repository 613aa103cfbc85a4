/**
 * Who a caller is: its API key names its tenant. Reads the TenantStore through a small cache with
 * a short time to live, so that an operator's change (a revoked key, a removed client) reaches
 * every relay replica within `cacheTtlMs` without a restart, and so that a stranger's made-up keys
 * (cached as misses, in a bounded map) cost one database read per key id per TTL at most.
 *
 * Every refusal is the same UNAUTHENTICATED error with the same message: unknown key, wrong
 * secret, revoked, expired, missing scope, another tenant named, unknown client.
 *
 * Entitlement to subscribe (recipients the tenant has sent to or has registered) goes through a
 * third cache of the same kind: an authenticated tenant probing made-up recipient hashes costs one
 * read per hash per TTL at most, and a registration or its removal is seen within the TTL.
 */
import type { PublicIdentity } from '@anchorpost/protocol';
import { RelayError, RelayErrorCode } from '../relay-error.ts';
import { parseApiKey, secretMatches } from './api-key.ts';
import type { ApiKeyScope } from './api-key.ts';
import { checkRecipientHash } from './recipient-hash.ts';
import type { StoredApiKey, TenantStore } from './tenant-store.ts';

export const UNAUTHENTICATED_MESSAGE = 'missing or invalid credentials';

export function unauthenticated(): RelayError {
  return new RelayError(RelayErrorCode.Unauthenticated, UNAUTHENTICATED_MESSAGE);
}

export const NOT_ENTITLED_MESSAGE = 'the tenant may not subscribe to this recipient';

export function notEntitled(): RelayError {
  return new RelayError(RelayErrorCode.NotEntitled, NOT_ENTITLED_MESSAGE);
}

/** What TenantAccess reads of a TenantStore to authenticate: other services (the sponsor) use the relay's keys from it. */
export type TenantReads = Pick<TenantStore, 'apiKey' | 'clientKeys'>;

/** What it also needs to check and record entitlements to subscribe: the relay's TenantStore has them. */
export type TenantEntitlements = Pick<TenantStore, 'isEntitled' | 'recordSentRecipient'>;

export interface TenantAccessOptions {
  /** Without the entitlement methods (a service that serves no subscriptions) nobody is entitled. */
  store: TenantReads & Partial<TenantEntitlements>;
  /** How long a read is trusted: a change takes at most this long to be seen. Default 5 s. */
  cacheTtlMs?: number;
  /** Entries per cache (keys, tenants, entitlements); the oldest go first. Default 10,000. */
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

  /** The value read less than a TTL ago; undefined when there is none. */
  peek(key: string, now = this.#clock()): V | null | undefined {
    const cached = this.#entries.get(key);
    return cached !== undefined && now - cached.at < this.#ttlMs ? cached.value : undefined;
  }

  async get(key: string, read: () => Promise<V | null>): Promise<V | null> {
    const now = this.#clock();
    const cached = this.peek(key, now);
    if (cached !== undefined) return cached;
    const value = await read();
    this.set(key, value, now);
    return value;
  }

  /** Remembers a value this process knows to be current (it just wrote it). */
  set(key: string, value: V | null, at = this.#clock()): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, at });
    if (this.#entries.size > this.#max) this.#entries.delete(this.#entries.keys().next().value!);
  }
}

export interface Caller {
  tenantId: string;
  apiKeyId: string;
}

export class TenantAccess {
  readonly #keys: ReadCache<StoredApiKey>;
  readonly #clients: ReadCache<Map<string, PublicIdentity>>;
  /** `tenant \n recipient hash` → true when entitled; a refusal is cached as null. */
  readonly #entitled: ReadCache<true>;
  readonly #store: TenantReads & Partial<TenantEntitlements>;
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
    this.#entitled = new ReadCache(ttl, entries, this.#clock);
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

  /**
   * NOT_ENTITLED unless the tenant has sent to the recipient or has it registered (BAD_RECIPIENT
   * for what is no recipient hash, before any lookup). Checked when a subscription opens, before
   * its cursor: a cursor from the past is no way around it.
   */
  async checkEntitled(tenantId: string, recipientHash: string): Promise<void> {
    const hash = checkRecipientHash(recipientHash);
    const store = this.#store;
    if (store.isEntitled === undefined) throw notEntitled();
    const entitled = await this.#entitled.get(`${tenantId}\n${hash}`, async () =>
      (await store.isEntitled?.(tenantId, hash)) === true ? true : null,
    );
    if (entitled === null) throw notEntitled();
  }

  /**
   * The relay calls this for every file it is about to accept, before the receipt is stored: the
   * sender may subscribe as soon as its submit returns (at once on this replica, which remembers
   * it; on another within the TTL if that one had cached a refusal). Skips the write while this
   * replica knows the tenant entitled.
   */
  async recordRecipient(tenantId: string, recipientHash: string): Promise<void> {
    const key = `${tenantId}\n${checkRecipientHash(recipientHash)}`;
    if (this.#entitled.peek(key) === true) return;
    if (this.#store.recordSentRecipient === undefined) {
      throw new RelayError(RelayErrorCode.BadConfig, 'this tenant store cannot record entitlements');
    }
    await this.#store.recordSentRecipient(tenantId, recipientHash, new Date(this.#clock()));
    this.#entitled.set(key, true);
  }
}
