/**
 * The QuotaStore on PostgreSQL (or the embedded PGlite): tables `tenant_rate_bucket`,
 * `tenant_day_bytes`, `tenant_stream_lease`. Each lease is one statement that locks its row
 * (`FOR UPDATE`), so concurrent replicas queue on it and never grant the same token or byte twice;
 * the bucket refills by the database's clock, so replicas' clocks need not agree. A stream opens
 * under a transaction-scoped advisory lock per tenant (count, then insert).
 */
import type { Database } from '@anchorpost/db';
import { toDbError } from '@anchorpost/db';
import { bucketCapacity } from '@anchorpost/relay-core';
import type { FileTokenLease, QuotaStore } from '@anchorpost/relay-core';

type Prisma = Database['prisma'];

async function withErrors<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toDbError(error, operation);
  }
}

export class PostgresQuotaStore implements QuotaStore {
  readonly #prisma: Prisma;

  /** `prisma`: `database.prisma` of an opened @anchorpost/db Database. */
  constructor(prisma: Prisma) {
    this.#prisma = prisma;
  }

  takeFileTokens(tenantId: string, want: number, filesPerSecond: number): Promise<FileTokenLease> {
    const capacity = bucketCapacity(filesPerSecond);
    return withErrors('takeFileTokens', async () => {
      await this.#prisma.$executeRaw`
        INSERT INTO "tenant_rate_bucket" ("tenant_id", "tokens", "updated_at")
        VALUES (${tenantId}, ${capacity}::float8, now())
        ON CONFLICT ("tenant_id") DO NOTHING`;
      // GREATEST on the time: a transaction that waited for the lock started before the one it
      // waited for, and must neither refill that interval twice nor move the bucket's time back.
      const rows = await this.#prisma.$queryRaw<{ granted: number; available: number }[]>`
        WITH current AS (
          SELECT LEAST(${capacity}::float8,
                       "tokens" + ${filesPerSecond}::float8
                         * GREATEST(0, EXTRACT(EPOCH FROM (now() - "updated_at")))::float8) AS available
          FROM "tenant_rate_bucket" WHERE "tenant_id" = ${tenantId} FOR UPDATE
        ), lease AS (
          SELECT available, GREATEST(0, LEAST(${want}::int, FLOOR(available)::int)) AS granted FROM current
        )
        UPDATE "tenant_rate_bucket"
        SET "tokens" = lease.available - lease.granted, "updated_at" = GREATEST("updated_at", now())
        FROM lease WHERE "tenant_id" = ${tenantId}
        RETURNING lease.granted AS granted, lease.available AS available`;
      const { granted, available } = rows[0]!;
      return {
        granted,
        retryAfterMs: granted > 0 ? 0 : Math.ceil(((1 - available) * 1000) / filesPerSecond),
      };
    });
  }

  takeDayBytes(tenantId: string, day: string, want: number, bytesPerDay: number): Promise<number> {
    return withErrors('takeDayBytes', async () => {
      await this.#prisma.$executeRaw`
        INSERT INTO "tenant_day_bytes" ("tenant_id", "day", "granted")
        VALUES (${tenantId}, ${day}::date, 0)
        ON CONFLICT ("tenant_id", "day") DO NOTHING`;
      const rows = await this.#prisma.$queryRaw<{ taken: bigint }[]>`
        WITH current AS (
          SELECT "granted" FROM "tenant_day_bytes"
          WHERE "tenant_id" = ${tenantId} AND "day" = ${day}::date FOR UPDATE
        ), lease AS (
          SELECT GREATEST(0, LEAST(${BigInt(want)}::bigint, ${BigInt(bytesPerDay)}::bigint - "granted")) AS taken
          FROM current
        )
        UPDATE "tenant_day_bytes" SET "granted" = "granted" + lease.taken
        FROM lease WHERE "tenant_id" = ${tenantId} AND "day" = ${day}::date
        RETURNING lease.taken AS taken`;
      return Number(rows[0]!.taken);
    });
  }

  openStream(
    tenantId: string,
    id: string,
    replica: string,
    ttlMs: number,
    maxStreams: number,
  ): Promise<boolean> {
    return withErrors('openStream', () =>
      this.#prisma.$transaction(async (tx) => {
        await tx.$queryRaw`
          SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtextextended(${`tenant-streams:${tenantId}`}, 0))) AS locked`;
        await tx.$executeRaw`
          DELETE FROM "tenant_stream_lease" WHERE "tenant_id" = ${tenantId} AND "expires_at" <= now()`;
        const [row] = await tx.$queryRaw<{ open: bigint }[]>`
          SELECT count(*) AS open FROM "tenant_stream_lease" WHERE "tenant_id" = ${tenantId}`;
        if (Number(row!.open) >= maxStreams) return false;
        await tx.$executeRaw`
          INSERT INTO "tenant_stream_lease" ("id", "tenant_id", "replica", "expires_at")
          VALUES (${id}, ${tenantId}, ${replica}, now() + ${ttlMs}::int * interval '1 millisecond')`;
        return true;
      }),
    );
  }

  renewStreams(ids: readonly string[], ttlMs: number): Promise<void> {
    return withErrors('renewStreams', async () => {
      await this.#prisma.$executeRaw`
        UPDATE "tenant_stream_lease" SET "expires_at" = now() + ${ttlMs}::int * interval '1 millisecond'
        WHERE "id" = ANY(${[...ids]}::text[]) AND "expires_at" > now()`;
    });
  }

  closeStream(id: string): Promise<void> {
    return withErrors('closeStream', async () => {
      await this.#prisma.$executeRaw`DELETE FROM "tenant_stream_lease" WHERE "id" = ${id}`;
    });
  }
}
