/**
 * What an operator does to tenants (the admin API calls these): add and list tenants, issue an
 * API key (its text returned once, only its hash kept), revoke one, add and remove client keys,
 * register, remove and list the recipients a tenant may subscribe to.
 * Arguments are checked here, so every transport refuses the same things with the same codes.
 */
import { fingerprint, parsePublicKeyFile } from '@anchorpost/protocol';
import { RelayError, RelayErrorCode } from '../relay-error.ts';
import { isPlanName, parseOverrides } from '../quotas/plan.ts';
import type { TenantPlan } from '../quotas/plan.ts';
import { isApiKeyScope, newApiKey } from './api-key.ts';
import type { ApiKeyScope } from './api-key.ts';
import { isRecipientHash } from './recipient-hash.ts';
import type { TenantRecipient, TenantStore, TenantSummary } from './tenant-store.ts';

const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const KEY_ID = /^[0-9a-f]{16}$/;
const CLIENT_ID = /^[0-9a-f]{64}$/;

function invalid(field: string, message: string): RelayError {
  return new RelayError(RelayErrorCode.BadArgument, message, { field });
}

function tenantId(value: unknown): string {
  if (typeof value !== 'string' || !TENANT_ID.test(value)) {
    throw invalid('tenant', 'expected a tenant id (letters, digits, . _ -; at most 128)');
  }
  return value;
}

function recipientHash(value: unknown, field = 'recipientHash'): string {
  if (!isRecipientHash(value)) throw invalid(field, 'expected a recipient hash (128 lower-case hex)');
  return value;
}

function tenantNotFound(tenant: string): RelayError {
  return new RelayError(RelayErrorCode.TenantNotFound, `no tenant ${tenant}`, { field: 'tenant' });
}

/** Recipients per page of `listRecipients`, by default and at most. */
export const TENANT_RECIPIENTS_PAGE = { default: 1_000, max: 10_000 } as const;

export interface TenantRecipientsPage {
  recipients: TenantRecipient[];
  /** The `after` of the next page; null on the last one. */
  next: string | null;
}

export interface IssuedApiKey {
  /** The key's text: shown this once, never stored. */
  key: string;
  id: string;
  tenantId: string;
  scopes: ApiKeyScope[];
  expiresAt: Date | null;
}

export class TenantAdministration {
  readonly #store: TenantStore;
  readonly #clock: () => Date;

  constructor(store: TenantStore, clock: () => Date = () => new Date()) {
    this.#store = store;
    this.#clock = clock;
  }

  /** Adds a tenant; false when it existed (adding twice is no error). */
  async addTenant(id: unknown): Promise<boolean> {
    return await this.#store.addTenant(tenantId(id));
  }

  listTenants(): Promise<TenantSummary[]> {
    return this.#store.listTenants();
  }

  /** Puts the tenant on a plan with these overrides (replacing earlier ones); returns what is stored. */
  async setPlan(tenant: unknown, plan: unknown, overrides: unknown = {}): Promise<TenantPlan> {
    const id = tenantId(tenant);
    if (!isPlanName(plan)) throw invalid('plan', 'expected a plan: free or pro');
    const set: TenantPlan = { plan, overrides: parseOverrides(overrides) };
    await this.#store.setPlan(id, set);
    return set;
  }

  async issueApiKey(tenant: unknown, scopes: unknown, expiresAt?: unknown): Promise<IssuedApiKey> {
    const id = tenantId(tenant);
    if (
      !Array.isArray(scopes) ||
      scopes.length === 0 ||
      !scopes.every((scope): scope is ApiKeyScope => typeof scope === 'string' && isApiKeyScope(scope))
    ) {
      throw invalid('scopes', 'expected one or more of submit, subscribe, admin');
    }
    let expires: Date | null = null;
    if (expiresAt !== undefined && expiresAt !== null) {
      expires = typeof expiresAt === 'string' ? new Date(expiresAt) : new Date(Number.NaN);
      if (Number.isNaN(expires.getTime()) || expires.getTime() <= this.#clock().getTime()) {
        throw invalid('expiresAt', 'expected an RFC 3339 time in the future');
      }
    }
    const issued = newApiKey();
    const unique = [...new Set(scopes)];
    await this.#store.addApiKey({
      id: issued.id,
      tenantId: id,
      secretHash: issued.secretHash,
      scopes: unique,
      createdAt: this.#clock(),
      expiresAt: expires,
      revokedAt: null,
    });
    return { key: issued.key, id: issued.id, tenantId: id, scopes: unique, expiresAt: expires };
  }

  /** Revokes a key by its id (BAD_ARGUMENT for an id that names no key). */
  async revokeApiKey(id: unknown): Promise<void> {
    if (typeof id !== 'string' || !KEY_ID.test(id) || !(await this.#store.revokeApiKey(id, this.#clock()))) {
      throw invalid('id', 'no API key with this id');
    }
  }

  /** Adds a client public key file (as `anchorpost keys new` writes it); returns its id. */
  async addClientKey(tenant: unknown, publicKeyFile: unknown): Promise<string> {
    const id = tenantId(tenant);
    let identity;
    try {
      identity = parsePublicKeyFile(publicKeyFile, 'publicKey');
    } catch (cause) {
      throw invalid('publicKey', (cause as Error).message);
    }
    await this.#store.addClientKey(id, identity);
    return fingerprint(identity);
  }

  async removeClientKey(tenant: unknown, clientId: unknown): Promise<void> {
    const id = tenantId(tenant);
    if (
      typeof clientId !== 'string' ||
      !CLIENT_ID.test(clientId) ||
      !(await this.#store.removeClientKey(id, clientId))
    ) {
      throw invalid('clientId', 'the tenant has no client key with this id');
    }
  }

  /** Lets the tenant subscribe to a recipient it does not send to; false when it was registered already. */
  async registerRecipient(tenant: unknown, hash: unknown): Promise<boolean> {
    return await this.#store.registerRecipient(tenantId(tenant), recipientHash(hash), this.#clock());
  }

  /** Withdraws a registration (BAD_ARGUMENT when there is none); a recipient the tenant sent to stays its own. */
  async unregisterRecipient(tenant: unknown, hash: unknown): Promise<void> {
    if (!(await this.#store.unregisterRecipient(tenantId(tenant), recipientHash(hash)))) {
      throw invalid('recipientHash', 'the tenant has no registration of this recipient');
    }
  }

  /** One page of the tenant's recipients, by hash after `after`. */
  async listRecipients(tenant: unknown, after?: unknown, limit?: unknown): Promise<TenantRecipientsPage> {
    const id = tenantId(tenant);
    const from = after === undefined || after === null || after === '' ? null : recipientHash(after, 'after');
    const count = limit ?? TENANT_RECIPIENTS_PAGE.default;
    if (
      !Number.isSafeInteger(count) ||
      (count as number) < 1 ||
      (count as number) > TENANT_RECIPIENTS_PAGE.max
    ) {
      throw invalid('limit', `expected an integer in 1…${TENANT_RECIPIENTS_PAGE.max}`);
    }
    const recipients = await this.#store.recipients(id, from, count as number);
    if (recipients === null) throw tenantNotFound(id);
    const last = recipients.at(-1);
    return {
      recipients,
      next: recipients.length === count && last !== undefined ? last.recipientHash : null,
    };
  }
}
