/**
 * The TenantStore on PostgreSQL (or the embedded PGlite) through the Prisma client of an opened
 * @anchorpost/db Database: tables `tenant`, `tenant_client_key`, `api_key`, `tenant_recipient`. An adapter, so it lives
 * with the service that wires it, not in relay-core (which depends on ports only).
 */
import type { Database } from '@anchorpost/db';
import { toDbError } from '@anchorpost/db';
import { fingerprint, parsePublicKeyFile, toPublicKeyFile } from '@anchorpost/protocol';
import type { PublicIdentity } from '@anchorpost/protocol';
import {
  isApiKeyScope,
  isPlanName,
  parseOverrides,
  RelayError,
  RelayErrorCode,
} from '@anchorpost/relay-core';
import type {
  StoredApiKey,
  TenantPlan,
  TenantRecipient,
  TenantStore,
  TenantSummary,
} from '@anchorpost/relay-core';

type Prisma = Database['prisma'];

interface ApiKeyRow {
  id: string;
  tenantId: string;
  secretHash: string;
  scopes: string[];
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

function toStored(row: ApiKeyRow): StoredApiKey {
  return { ...row, scopes: row.scopes.filter(isApiKeyScope) };
}

/** The plan columns as a TenantPlan (values the admin API checked on the way in). */
function toPlan(row: { plan: string; quotaOverrides: unknown }): TenantPlan {
  return { plan: isPlanName(row.plan) ? row.plan : 'free', overrides: parseOverrides(row.quotaOverrides) };
}

/** A public key file as a JSON column value (it is plain JSON: strings and numbers only). */
function asJson(file: unknown): object {
  return file as object;
}

async function withErrors<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof RelayError) throw error;
    throw toDbError(error, operation);
  }
}

function tenantNotFound(tenantId: string): RelayError {
  return new RelayError(RelayErrorCode.TenantNotFound, `no tenant ${tenantId}`, { field: 'tenant' });
}

/** A write whose only foreign key is the tenant's: its violation means there is no such tenant. */
async function withTenant<T>(operation: string, tenantId: string, run: () => Promise<T>): Promise<T> {
  try {
    return await withErrors(operation, run);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'FOREIGN_KEY_VIOLATION') throw tenantNotFound(tenantId);
    throw error;
  }
}

export class PostgresTenantStore implements TenantStore {
  readonly #prisma: Prisma;

  /** `prisma`: `database.prisma` of an opened @anchorpost/db Database. */
  constructor(prisma: Prisma) {
    this.#prisma = prisma;
  }

  async #requireTenant(tenantId: string): Promise<void> {
    const found = await this.#prisma.tenant.findUnique({ where: { id: tenantId }, select: { id: true } });
    if (found === null) throw tenantNotFound(tenantId);
  }

  addTenant(tenantId: string): Promise<boolean> {
    return withErrors('addTenant', async () => {
      const { count } = await this.#prisma.tenant.createMany({
        data: [{ id: tenantId }],
        skipDuplicates: true,
      });
      return count === 1;
    });
  }

  listTenants(): Promise<TenantSummary[]> {
    return withErrors('listTenants', async () => {
      const rows = await this.#prisma.tenant.findMany({
        orderBy: { id: 'asc' },
        include: {
          clientKeys: { select: { clientId: true }, orderBy: { clientId: 'asc' } },
          apiKeys: { orderBy: { id: 'asc' } },
        },
      });
      return rows.map((row) => ({
        id: row.id,
        createdAt: row.createdAt,
        clientIds: row.clientKeys.map((key) => key.clientId),
        apiKeys: row.apiKeys.map((key) => {
          const { id, scopes, createdAt, expiresAt, revokedAt } = toStored(key);
          return { id, scopes, createdAt, expiresAt, revokedAt };
        }),
        plan: toPlan(row),
      }));
    });
  }

  clientKeys(tenantId: string): Promise<Map<string, PublicIdentity> | null> {
    return withErrors('clientKeys', async () => {
      const tenant = await this.#prisma.tenant.findUnique({
        where: { id: tenantId },
        include: { clientKeys: true },
      });
      if (tenant === null) return null;
      return new Map(
        tenant.clientKeys.map((row) => [row.clientId, parsePublicKeyFile(row.publicKeyFile, row.clientId)]),
      );
    });
  }

  addClientKey(tenantId: string, identity: PublicIdentity): Promise<void> {
    return withErrors('addClientKey', async () => {
      await this.#requireTenant(tenantId);
      await this.#prisma.tenantClientKey.createMany({
        data: [
          {
            tenantId,
            clientId: fingerprint(identity),
            publicKeyFile: asJson(toPublicKeyFile(identity)),
          },
        ],
        skipDuplicates: true,
      });
    });
  }

  removeClientKey(tenantId: string, clientId: string): Promise<boolean> {
    return withErrors('removeClientKey', async () => {
      const { count } = await this.#prisma.tenantClientKey.deleteMany({ where: { tenantId, clientId } });
      return count > 0;
    });
  }

  addApiKey(key: StoredApiKey): Promise<void> {
    return withErrors('addApiKey', async () => {
      await this.#requireTenant(key.tenantId);
      await this.#prisma.apiKey.create({ data: { ...key, scopes: [...key.scopes] } });
    });
  }

  apiKey(id: string): Promise<StoredApiKey | null> {
    return withErrors('apiKey', async () => {
      const row = await this.#prisma.apiKey.findUnique({ where: { id } });
      return row === null ? null : toStored(row);
    });
  }

  plan(tenantId: string): Promise<TenantPlan | null> {
    return withErrors('plan', async () => {
      const row = await this.#prisma.tenant.findUnique({
        where: { id: tenantId },
        select: { plan: true, quotaOverrides: true },
      });
      return row === null ? null : toPlan(row);
    });
  }

  setPlan(tenantId: string, plan: TenantPlan): Promise<void> {
    return withErrors('setPlan', async () => {
      const { count } = await this.#prisma.tenant.updateMany({
        where: { id: tenantId },
        data: { plan: plan.plan, quotaOverrides: { ...plan.overrides } },
      });
      if (count === 0) {
        throw new RelayError(RelayErrorCode.TenantNotFound, `no tenant ${tenantId}`, { field: 'tenant' });
      }
    });
  }

  revokeApiKey(id: string, at: Date): Promise<boolean> {
    return withErrors('revokeApiKey', async () => {
      await this.#prisma.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: at } });
      return (await this.#prisma.apiKey.count({ where: { id } })) === 1;
    });
  }

  /** One statement on the accept path; a second send to the recipient changes no row. */
  recordSentRecipient(tenantId: string, recipientHash: string, at: Date): Promise<void> {
    return withTenant('recordSentRecipient', tenantId, async () => {
      await this.#prisma.$executeRaw`
        INSERT INTO tenant_recipient (tenant_id, recipient_hash, sent_at)
        VALUES (${tenantId}, ${recipientHash}, ${at})
        ON CONFLICT (tenant_id, recipient_hash) DO UPDATE SET sent_at = EXCLUDED.sent_at
        WHERE tenant_recipient.sent_at IS NULL`;
    });
  }

  registerRecipient(tenantId: string, recipientHash: string, at: Date): Promise<boolean> {
    return withTenant('registerRecipient', tenantId, async () => {
      const changed = await this.#prisma.$executeRaw`
        INSERT INTO tenant_recipient (tenant_id, recipient_hash, registered_at)
        VALUES (${tenantId}, ${recipientHash}, ${at})
        ON CONFLICT (tenant_id, recipient_hash) DO UPDATE SET registered_at = EXCLUDED.registered_at
        WHERE tenant_recipient.registered_at IS NULL`;
      return changed === 1;
    });
  }

  unregisterRecipient(tenantId: string, recipientHash: string): Promise<boolean> {
    return withErrors('unregisterRecipient', async () => {
      const { count } = await this.#prisma.tenantRecipient.updateMany({
        where: { tenantId, recipientHash, registeredAt: { not: null } },
        data: { registeredAt: null },
      });
      // A row with neither time entitles nobody; one the tenant sent to (or that was registered
      // again meanwhile) stays.
      await this.#prisma.tenantRecipient.deleteMany({
        where: { tenantId, recipientHash, sentAt: null, registeredAt: null },
      });
      return count > 0;
    });
  }

  isEntitled(tenantId: string, recipientHash: string): Promise<boolean> {
    return withErrors('isEntitled', async () => {
      const row = await this.#prisma.tenantRecipient.findUnique({
        where: { tenantId_recipientHash: { tenantId, recipientHash } },
        select: { tenantId: true },
      });
      return row !== null;
    });
  }

  isServed(recipientHash: string): Promise<boolean> {
    return withErrors('isServed', async () => {
      const row = await this.#prisma.tenantRecipient.findFirst({
        where: { recipientHash },
        select: { tenantId: true },
      });
      return row !== null;
    });
  }

  recipients(tenantId: string, after: string | null, limit: number): Promise<TenantRecipient[] | null> {
    return withErrors('recipients', async () => {
      const tenant = await this.#prisma.tenant.findUnique({ where: { id: tenantId }, select: { id: true } });
      if (tenant === null) return null;
      return await this.#prisma.tenantRecipient.findMany({
        where: { tenantId, ...(after === null ? {} : { recipientHash: { gt: after } }) },
        orderBy: { recipientHash: 'asc' },
        take: limit,
        select: { recipientHash: true, sentAt: true, registeredAt: true },
      });
    });
  }
}
