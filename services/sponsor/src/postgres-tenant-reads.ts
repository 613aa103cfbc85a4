/**
 * The relay's tenants as the sponsor reads them (tables `api_key`, `tenant_client_key`, through
 * the Prisma client of an opened @anchorpost/db Database): only the reads TenantAccess makes, so
 * callers authenticate with the same API keys as at the relay. Writes stay with the relay's
 * administration.
 */
import type { Database } from '@anchorpost/db';
import { toDbError } from '@anchorpost/db';
import { parsePublicKeyFile } from '@anchorpost/protocol';
import type { PublicIdentity } from '@anchorpost/protocol';
import { isApiKeyScope } from '@anchorpost/relay-core';
import type { StoredApiKey, TenantReads } from '@anchorpost/relay-core';

export class PostgresTenantReads implements TenantReads {
  readonly #prisma: Database['prisma'];

  /** `prisma`: `database.prisma` of an opened @anchorpost/db Database. */
  constructor(prisma: Database['prisma']) {
    this.#prisma = prisma;
  }

  async apiKey(id: string): Promise<StoredApiKey | null> {
    try {
      const row = await this.#prisma.apiKey.findUnique({ where: { id } });
      return row === null ? null : { ...row, scopes: row.scopes.filter(isApiKeyScope) };
    } catch (error) {
      throw toDbError(error, 'apiKey');
    }
  }

  async clientKeys(tenantId: string): Promise<Map<string, PublicIdentity> | null> {
    try {
      const tenant = await this.#prisma.tenant.findUnique({
        where: { id: tenantId },
        include: { clientKeys: true },
      });
      if (tenant === null) return null;
      return new Map(
        tenant.clientKeys.map((row) => [row.clientId, parsePublicKeyFile(row.publicKeyFile, row.clientId)]),
      );
    } catch (error) {
      throw toDbError(error, 'clientKeys');
    }
  }
}
