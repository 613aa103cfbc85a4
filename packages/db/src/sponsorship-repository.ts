/**
 * The sponsor's sponsorships and budget reservations in PostgreSQL: the SponsorshipStore port of
 * @anchorpost/db-port (the sponsor core names the same port); sponsor-core runs its contract
 * suite against this class.
 *
 * Accepting is one transaction: a transaction-scoped advisory lock per tenant (so concurrent
 * acceptances for one tenant take turns, on every connection and every sponsor process), the
 * period's spending read after the lock, the caller's budget decision, and the insert. The insert
 * is ON CONFLICT DO NOTHING on the digest, so a replay — even one racing from another tenant's
 * lock — finds the first row instead of failing. Amounts cross the driver as text (numeric(78,0)
 * holds any uint256; JavaScript numbers would not).
 */
import type {
  BudgetDecision,
  NewSponsorship,
  PeriodSpending,
  ReserveOutcome,
  SponsorshipReceipt,
  SponsorshipRecord,
  SponsorshipReservedQuery,
  SponsorshipState,
  SponsorshipStore,
} from '@anchorpost/db-port';
import type { PrismaClient } from './generated/prisma/client.ts';
import { withDbErrors } from './to-db-error.ts';

interface Raw {
  digest: string;
  tenant: string;
  user_address: string;
  kind: string;
  to_address: string;
  data: string;
  gas_limit: string;
  max_fee_per_gas: string;
  reserved_wei: string;
  charged_wei: string | null;
  state: SponsorshipState;
  deadline: string;
  period_start: string;
  accepted_at: string;
  tx_hash: string | null;
  succeeded: boolean | null;
}

const COLUMNS = `digest, tenant, user_address, kind, to_address, data, gas_limit::text, max_fee_per_gas::text,
  reserved_wei::text, charged_wei::text, state::text AS state, deadline::text, period_start::text,
  accepted_at::text, tx_hash, succeeded`;

function toRow(raw: Raw): SponsorshipRecord {
  return {
    digest: raw.digest,
    tenant: raw.tenant,
    user: raw.user_address,
    kind: raw.kind as 'forward' | 'ballot',
    to: raw.to_address,
    data: raw.data,
    gasLimit: BigInt(raw.gas_limit),
    maxFeePerGas: BigInt(raw.max_fee_per_gas),
    deadline: BigInt(raw.deadline),
    periodStart: BigInt(raw.period_start),
    acceptedAt: BigInt(raw.accepted_at),
    state: raw.state,
    reservedWei: BigInt(raw.reserved_wei),
    chargedWei: raw.charged_wei === null ? null : BigInt(raw.charged_wei),
    txHash: raw.tx_hash,
    succeeded: raw.succeeded,
  };
}

type Sql = Pick<PrismaClient, '$queryRawUnsafe'>;

async function selectOne(sql: Sql, digest: string): Promise<SponsorshipRecord | null> {
  const rows = await sql.$queryRawUnsafe<Raw[]>(
    `SELECT ${COLUMNS} FROM sponsorship WHERE digest = $1`,
    digest,
  );
  return rows[0] === undefined ? null : toRow(rows[0]);
}

async function spendingIn(
  sql: Sql,
  tenant: string,
  periodStart: bigint,
  user: string | undefined,
): Promise<PeriodSpending> {
  // Open sponsorships count at their reserved worst case, settled ones at their charge.
  const rows = await sql.$queryRawUnsafe<{ wei: string; count: number }[]>(
    `SELECT COALESCE(SUM(COALESCE(charged_wei, reserved_wei)), 0)::text AS wei, COUNT(*)::int AS count
       FROM sponsorship
      WHERE tenant = $1 AND period_start = $2 AND state <> 'released'
        AND ($3::text IS NULL OR user_address = $3::text)`,
    tenant,
    periodStart,
    user ?? null,
  );
  return { wei: BigInt(rows[0]!.wei), count: rows[0]!.count };
}

export class PrismaSponsorshipRepository implements SponsorshipStore {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  reserve(sponsorship: NewSponsorship, decide: BudgetDecision): Promise<ReserveOutcome> {
    return withDbErrors('reserveSponsorship', () =>
      this.#prisma.$transaction(async (tx): Promise<ReserveOutcome> => {
        const first = await selectOne(tx, sponsorship.digest);
        if (first !== null) return { outcome: 'replay', record: first };
        await tx.$queryRawUnsafe(
          'SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtextextended($1, 0))) AS locked',
          `sponsorship:${sponsorship.tenant}`,
        );
        const over = decide(
          await spendingIn(tx, sponsorship.tenant, sponsorship.periodStart, undefined),
          await spendingIn(tx, sponsorship.tenant, sponsorship.periodStart, sponsorship.user),
        );
        if (over !== null) return { outcome: 'over-budget', budget: over };
        const inserted = await tx.$queryRawUnsafe<Raw[]>(
          `INSERT INTO sponsorship (digest, tenant, user_address, kind, to_address, data, gas_limit,
             max_fee_per_gas, reserved_wei, deadline, period_start, accepted_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7::numeric, $8::numeric, $7::numeric * $8::numeric, $9, $10, $11)
           ON CONFLICT (digest) DO NOTHING
           RETURNING ${COLUMNS}`,
          sponsorship.digest,
          sponsorship.tenant,
          sponsorship.user,
          sponsorship.kind,
          sponsorship.to,
          sponsorship.data,
          sponsorship.gasLimit.toString(),
          sponsorship.maxFeePerGas.toString(),
          sponsorship.deadline,
          sponsorship.periodStart,
          sponsorship.acceptedAt,
        );
        if (inserted[0] !== undefined) return { outcome: 'accepted', record: toRow(inserted[0]) };
        // Another transaction inserted this digest after our first look: its row is the answer.
        return { outcome: 'replay', record: (await selectOne(tx, sponsorship.digest))! };
      }),
    );
  }

  get(digest: string): Promise<SponsorshipRecord | null> {
    return withDbErrors('getSponsorship', () => selectOne(this.#prisma, digest));
  }

  markSent(digest: string, txHash: string): Promise<SponsorshipRecord | null> {
    return withDbErrors('markSponsorshipSent', async () => {
      const rows = await this.#prisma.$queryRawUnsafe<Raw[]>(
        `UPDATE sponsorship SET state = 'sent', tx_hash = $2
          WHERE digest = $1 AND state IN ('reserved', 'sent')
          RETURNING ${COLUMNS}`,
        digest,
        txHash,
      );
      return rows[0] === undefined ? null : toRow(rows[0]);
    });
  }

  settle(digest: string, receipt: SponsorshipReceipt): Promise<SponsorshipRecord | null> {
    return withDbErrors('settleSponsorship', async () => {
      const rows = await this.#prisma.$queryRawUnsafe<Raw[]>(
        `UPDATE sponsorship
            SET state = 'settled', tx_hash = $2, charged_wei = $3::numeric * $4::numeric, succeeded = $5
          WHERE digest = $1 AND state IN ('reserved', 'sent')
          RETURNING ${COLUMNS}`,
        digest,
        receipt.txHash,
        receipt.gasUsed.toString(),
        receipt.effectiveGasPrice.toString(),
        receipt.succeeded,
      );
      if (rows[0] !== undefined) return toRow(rows[0]);
      // Settling again with the same receipt is not an error: the first settlement stands.
      const existing = await selectOne(this.#prisma, digest);
      return existing?.state === 'settled' && existing.txHash === receipt.txHash ? existing : null;
    });
  }

  unsettle(digest: string, txHash: string): Promise<SponsorshipRecord | null> {
    return withDbErrors('unsettleSponsorship', async () => {
      const rows = await this.#prisma.$queryRawUnsafe<Raw[]>(
        `UPDATE sponsorship SET state = 'sent', charged_wei = NULL, succeeded = NULL
          WHERE digest = $1 AND state = 'settled' AND tx_hash = $2
          RETURNING ${COLUMNS}`,
        digest,
        txHash,
      );
      return rows[0] === undefined ? null : toRow(rows[0]);
    });
  }

  listReserved(query: SponsorshipReservedQuery): Promise<SponsorshipRecord[]> {
    return withDbErrors('listReservedSponsorships', async () => {
      const { tenants } = query;
      const only = 'only' in tenants;
      const rows = await this.#prisma.$queryRawUnsafe<Raw[]>(
        `SELECT ${COLUMNS} FROM sponsorship
          WHERE state = 'reserved' AND deadline >= $1
            AND (CASE WHEN $2::boolean THEN tenant = ANY($3::text[]) ELSE NOT (tenant = ANY($3::text[])) END)
          ORDER BY accepted_at, digest
          LIMIT $4`,
        query.notBefore,
        only,
        only ? [...tenants.only] : [...tenants.except],
        query.limit,
      );
      return rows.map(toRow);
    });
  }

  releaseExpired(now: bigint): Promise<string[]> {
    return withDbErrors('releaseExpiredSponsorships', async () => {
      const rows = await this.#prisma.$queryRawUnsafe<{ digest: string }[]>(
        `UPDATE sponsorship SET state = 'released'
          WHERE state = 'reserved' AND deadline < $1
          RETURNING digest`,
        now,
      );
      return rows.map((row) => row.digest).sort();
    });
  }

  spending(tenant: string, periodStart: bigint, user?: string): Promise<PeriodSpending> {
    return withDbErrors('sponsorshipSpending', () => spendingIn(this.#prisma, tenant, periodStart, user));
  }
}
