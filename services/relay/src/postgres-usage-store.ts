/**
 * The UsageStore on PostgreSQL (or the embedded PGlite): `tenant_usage_day`, added to with one
 * upsert per flush (`unnest`), and the usage report, which matches the relay's receipts (their
 * tenant) with the parser's index of which tx-file is in which batch (`batch_entry`, `batch`).
 * The index may be another database (a deployment keeps the relay's state and the parser's index
 * apart), so the report reads the tenant's CIDs in pages and looks each page up in the index.
 */
import type { Database } from '@anchorpost/db';
import { toDbError } from '@anchorpost/db';
import type { UsageBatch, UsageDay, UsageReport, UsageStore } from '@anchorpost/relay-core';

type Prisma = Database['prisma'];

async function withErrors<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toDbError(error, operation);
  }
}

/** One row per tenant and day: an upsert may not touch a row twice. */
function summed(rows: readonly UsageDay[]): UsageDay[] {
  const byKey = new Map<string, UsageDay>();
  for (const row of rows) {
    const key = `${row.tenantId}\n${row.day}`;
    const sum = byKey.get(key);
    if (sum === undefined) byKey.set(key, { ...row });
    else for (const name of ['files', 'bytes', 'deliveries', 'streams'] as const) sum[name] += row[name];
  }
  return [...byKey.values()];
}

/** [from 00:00, the day after `to` 00:00) in UTC, as timestamps. */
function period(from: string, to: string): [Date, Date] {
  const end = new Date(`${to}T00:00:00.000Z`);
  end.setUTCDate(end.getUTCDate() + 1);
  return [new Date(`${from}T00:00:00.000Z`), end];
}

/** Receipts looked up in the index per query: bounds memory and the size of a query's array. */
const REPORT_PAGE = 5_000;

export class PostgresUsageStore implements UsageStore {
  readonly #prisma: Prisma;
  readonly #index: Prisma;

  /**
   * `prisma`: `database.prisma` of the relay's opened @anchorpost/db Database (receipts, usage);
   * `index`: that of the parser's index, when it is another database.
   */
  constructor(prisma: Prisma, index: Prisma = prisma) {
    this.#prisma = prisma;
    this.#index = index;
  }

  add(rows: readonly UsageDay[]): Promise<void> {
    const sums = summed(rows);
    if (sums.length === 0) return Promise.resolve();
    const column = (name: 'files' | 'bytes' | 'deliveries' | 'streams') =>
      sums.map((row) => String(row[name]));
    return withErrors('addUsage', async () => {
      await this.#prisma.$executeRaw`
        INSERT INTO "tenant_usage_day" ("tenant_id", "day", "files", "bytes", "deliveries", "streams")
        SELECT t, d::date, f::bigint, b::bigint, dl::bigint, s::bigint
        FROM unnest(${sums.map((row) => row.tenantId)}::text[], ${sums.map((row) => row.day)}::text[],
                    ${column('files')}::text[], ${column('bytes')}::text[],
                    ${column('deliveries')}::text[], ${column('streams')}::text[]) AS u(t, d, f, b, dl, s)
        ON CONFLICT ("tenant_id", "day") DO UPDATE SET
          "files" = "tenant_usage_day"."files" + excluded."files",
          "bytes" = "tenant_usage_day"."bytes" + excluded."bytes",
          "deliveries" = "tenant_usage_day"."deliveries" + excluded."deliveries",
          "streams" = "tenant_usage_day"."streams" + excluded."streams"`;
    });
  }

  days(tenantId: string | null, from: string, to: string): Promise<UsageDay[]> {
    return withErrors('usageDays', async () => {
      const rows = await this.#prisma.$queryRaw<
        {
          tenant_id: string;
          day: string;
          files: bigint;
          bytes: bigint;
          deliveries: bigint;
          streams: bigint;
        }[]
      >`
        SELECT "tenant_id", to_char("day", 'YYYY-MM-DD') AS day, "files", "bytes", "deliveries", "streams"
        FROM "tenant_usage_day"
        WHERE (${tenantId}::text IS NULL OR "tenant_id" = ${tenantId}::text)
          AND "day" BETWEEN ${from}::date AND ${to}::date
        ORDER BY "tenant_id", "day"`;
      return rows.map((row) => ({
        tenantId: row.tenant_id,
        day: row.day,
        files: Number(row.files),
        bytes: Number(row.bytes),
        deliveries: Number(row.deliveries),
        streams: Number(row.streams),
      }));
    });
  }

  report(tenantId: string, from: string, to: string): Promise<UsageReport> {
    const [start, end] = period(from, to);
    return withErrors('usageReport', async () => {
      const batches = new Map<string, UsageBatch>();
      let receipts = 0;
      let batched = 0;
      let after = '';
      for (;;) {
        const page = await this.#prisma.$queryRaw<{ cid: string }[]>`
          SELECT "cid" FROM "relay_receipt"
          WHERE "tenant_id" = ${tenantId} AND "accepted_at" >= ${start} AND "accepted_at" < ${end}
            AND "cid" > ${after}
          ORDER BY "cid" LIMIT ${REPORT_PAGE}`;
        if (page.length === 0) break;
        const cids = page.map((row) => row.cid);
        receipts += cids.length;
        after = cids.at(-1)!;
        batched += await this.#countIndexed(cids, batches);
      }
      return {
        tenantId,
        receipts,
        batches: [...batches.values()].sort(
          (a, b) => a.platform.localeCompare(b.platform) || a.sequence - b.sequence,
        ),
        unbatched: receipts - batched,
      };
    });
  }

  /** Adds the batches holding `cids` to `batches`; returns how many of them are in any. */
  async #countIndexed(cids: string[], batches: Map<string, UsageBatch>): Promise<number> {
    const rows = await this.#index.$queryRaw<
      { platform: string; sequence: bigint; cid: string; files: bigint }[]
    >`
      SELECT b."platform", b."sequence", b."cid", count(DISTINCT e."tx_file_cid") AS files
      FROM "batch_entry" e JOIN "batch" b ON b."cid" = e."batch_cid"
      WHERE e."tx_file_cid" = ANY(${cids}::text[])
      GROUP BY b."platform", b."sequence", b."cid"`;
    for (const row of rows) {
      const known = batches.get(row.cid);
      if (known !== undefined) known.files += Number(row.files);
      else
        batches.set(row.cid, {
          platform: row.platform,
          sequence: Number(row.sequence),
          cid: row.cid,
          files: Number(row.files),
        });
    }
    const [indexed] = await this.#index.$queryRaw<{ count: bigint }[]>`
      SELECT count(DISTINCT "tx_file_cid") AS count FROM "batch_entry" WHERE "tx_file_cid" = ANY(${cids}::text[])`;
    return Number(indexed!.count);
  }
}
