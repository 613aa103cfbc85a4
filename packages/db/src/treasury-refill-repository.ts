/**
 * The treasury's refills and the day's cap in PostgreSQL. Holding a refill is one transaction: a
 * transaction-scoped advisory lock (so two treasuries — a stale leader and a new one — take
 * turns), the day's sum on the refill's chain read after it, and the insert only if the sum plus
 * this refill stays within that chain's cap (each chain its own unit: wei, nanoERG). Amounts cross
 * the driver as text (numeric(78,0)).
 */
import type { PrismaClient } from './generated/prisma/client.ts';
import { withDbErrors } from './to-db-error.ts';

export class PrismaTreasuryRefillRepository {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  /** Records a refill of `amount` to `account` on `chain` and `day` if the chain's day total stays ≤ `cap`; its id, or null. */
  hold(day: string, chain: string, account: string, amount: bigint, cap: bigint): Promise<string | null> {
    return withDbErrors('holdTreasuryRefill', () =>
      this.#prisma.$transaction(async (tx) => {
        await tx.$queryRawUnsafe(
          'SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtextextended($1, 0))) AS locked',
          'treasury_refill',
        );
        const rows = await tx.$queryRawUnsafe<{ id: string }[]>(
          `INSERT INTO treasury_refill (day, chain, account, amount_wei)
           SELECT $1, $2, $3, $4::numeric
            WHERE (SELECT COALESCE(SUM(amount_wei), 0) FROM treasury_refill WHERE day = $1 AND chain = $2)
                  + $4::numeric <= $5::numeric
           RETURNING id::text AS id`,
          day,
          chain,
          account,
          amount.toString(),
          cap.toString(),
        );
        return rows[0]?.id ?? null;
      }),
    );
  }

  markSent(id: string, txHash: string): Promise<void> {
    return withDbErrors('markTreasuryRefillSent', async () => {
      await this.#prisma.treasuryRefill.update({ where: { id: BigInt(id) }, data: { txHash } });
    });
  }

  /** A refill that was not sent: its amount no longer counts against the cap. */
  release(id: string): Promise<void> {
    return withDbErrors('releaseTreasuryRefill', async () => {
      await this.#prisma.treasuryRefill.deleteMany({ where: { id: BigInt(id), txHash: null } });
    });
  }

  /** What the day's refills on `chain` hold against its cap. */
  spent(day: string, chain = 'evm'): Promise<bigint> {
    return withDbErrors('treasurySpent', async () => {
      const rows = await this.#prisma.$queryRawUnsafe<{ wei: string }[]>(
        'SELECT COALESCE(SUM(amount_wei), 0)::text AS wei FROM treasury_refill WHERE day = $1 AND chain = $2',
        day,
        chain,
      );
      return BigInt(rows[0]!.wei);
    });
  }
}
