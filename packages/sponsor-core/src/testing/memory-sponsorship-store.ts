/**
 * A test double of the SponsorshipStore port, in memory: never used by production code. Every
 * method runs its whole read-decide-write without awaiting in between, which in one JavaScript
 * thread is the atomicity the PostgreSQL adapter gets from its per-tenant lock.
 */
import type {
  BudgetDecision,
  NewSponsorship,
  PeriodSpending,
  Receipt,
  ReservedQuery,
  ReserveOutcome,
  SponsorshipRecord,
  SponsorshipStore,
} from '../sponsorship-store.ts';

export class MemorySponsorshipStoreDouble implements SponsorshipStore {
  readonly #records = new Map<string, SponsorshipRecord>();

  reserve(sponsorship: NewSponsorship, decide: BudgetDecision): Promise<ReserveOutcome> {
    const first = this.#records.get(sponsorship.digest);
    if (first !== undefined) return Promise.resolve({ outcome: 'replay', record: first });
    const over = decide(
      this.#spendingNow(sponsorship.tenant, sponsorship.periodStart),
      this.#spendingNow(sponsorship.tenant, sponsorship.periodStart, sponsorship.user),
    );
    if (over !== null) return Promise.resolve({ outcome: 'over-budget', budget: over });
    const record: SponsorshipRecord = {
      ...sponsorship,
      state: 'reserved',
      reservedWei: sponsorship.gasLimit * sponsorship.maxFeePerGas,
      chargedWei: null,
      txHash: null,
      succeeded: null,
    };
    this.#records.set(record.digest, record);
    return Promise.resolve({ outcome: 'accepted', record });
  }

  get(digest: string): Promise<SponsorshipRecord | null> {
    return Promise.resolve(this.#records.get(digest) ?? null);
  }

  markSent(digest: string, txHash: string): Promise<SponsorshipRecord | null> {
    const record = this.#records.get(digest);
    if (record === undefined || (record.state !== 'reserved' && record.state !== 'sent')) {
      return Promise.resolve(null);
    }
    return Promise.resolve(this.#put({ ...record, state: 'sent', txHash }));
  }

  settle(digest: string, receipt: Receipt): Promise<SponsorshipRecord | null> {
    const record = this.#records.get(digest);
    if (record === undefined) return Promise.resolve(null);
    if (record.state === 'settled') return Promise.resolve(record.txHash === receipt.txHash ? record : null);
    if (record.state === 'released') return Promise.resolve(null);
    return Promise.resolve(
      this.#put({
        ...record,
        state: 'settled',
        txHash: receipt.txHash,
        chargedWei: receipt.gasUsed * receipt.effectiveGasPrice,
        succeeded: receipt.succeeded,
      }),
    );
  }

  unsettle(digest: string, txHash: string): Promise<SponsorshipRecord | null> {
    const record = this.#records.get(digest);
    if (record?.state !== 'settled' || record.txHash !== txHash) return Promise.resolve(null);
    return Promise.resolve(this.#put({ ...record, state: 'sent', chargedWei: null, succeeded: null }));
  }

  listReserved(query: ReservedQuery): Promise<SponsorshipRecord[]> {
    const { tenants } = query;
    const served = (tenant: string) =>
      'only' in tenants ? tenants.only.includes(tenant) : !tenants.except.includes(tenant);
    const found = [...this.#records.values()]
      .filter((r) => r.state === 'reserved' && r.deadline >= query.notBefore && served(r.tenant))
      .sort((a, b) =>
        a.acceptedAt === b.acceptedAt
          ? a.digest.localeCompare(b.digest)
          : a.acceptedAt < b.acceptedAt
            ? -1
            : 1,
      );
    return Promise.resolve(found.slice(0, query.limit));
  }

  releaseExpired(now: bigint): Promise<string[]> {
    const released: string[] = [];
    for (const record of this.#records.values()) {
      if (record.state === 'reserved' && record.deadline < now) {
        this.#put({ ...record, state: 'released' });
        released.push(record.digest);
      }
    }
    return Promise.resolve(released.sort());
  }

  spending(tenant: string, periodStart: bigint, user?: string): Promise<PeriodSpending> {
    return Promise.resolve(this.#spendingNow(tenant, periodStart, user));
  }

  #put(record: SponsorshipRecord): SponsorshipRecord {
    this.#records.set(record.digest, record);
    return record;
  }

  #spendingNow(tenant: string, periodStart: bigint, user?: string): PeriodSpending {
    let wei = 0n;
    let count = 0;
    for (const record of this.#records.values()) {
      if (record.tenant !== tenant || record.periodStart !== periodStart || record.state === 'released')
        continue;
      if (user !== undefined && record.user !== user) continue;
      wei += record.chargedWei ?? record.reservedWei;
      count += 1;
    }
    return { wei, count };
  }
}
