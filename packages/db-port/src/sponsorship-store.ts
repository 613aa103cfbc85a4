/**
 * The SponsorshipStore port: where the sponsor's accepted sponsorships and their budget
 * reservations live. Its one hard promise is that accepting is a single atomic step — the replay
 * check, the budget decision and the reservation happen under one lock per tenant — so N
 * concurrent requests against a small budget accept exactly as many as the reservations allow,
 * and a replay finds the first. Here, beside the other repositories' ports, so that the sponsor
 * core and the PostgreSQL adapter (@anchorpost/db's PrismaSponsorshipRepository) share one shape;
 * the in-memory test double is in `@anchorpost/sponsor-core/testing`, and one contract suite runs
 * on both.
 */

/**
 * reserved: accepted, the worst case held against the budgets; sent: its transaction is out;
 * settled: charged what the receipt says; released: its deadline passed unsent, nothing charged.
 */
export type SponsorshipState = 'reserved' | 'sent' | 'settled' | 'released';

export interface NewSponsorship {
  /** The EIP-712 digest, lower-case hex: the key. */
  readonly digest: string;
  readonly tenant: string;
  readonly user: string;
  readonly kind: 'forward' | 'ballot';
  /** The transaction the sponsor sends (value is always 0). */
  readonly to: string;
  readonly data: string;
  readonly gasLimit: bigint;
  readonly maxFeePerGas: bigint;
  /** Unix seconds: unsent after this, the reservation is released. */
  readonly deadline: bigint;
  /** Unix seconds: the start of the budget period the sponsorship counts in. */
  readonly periodStart: bigint;
  /** Unix seconds. */
  readonly acceptedAt: bigint;
}

export interface SponsorshipRecord extends NewSponsorship {
  readonly state: SponsorshipState;
  /** gasLimit × maxFeePerGas: what the budgets hold until the sponsorship is settled or released. */
  readonly reservedWei: bigint;
  /** gasUsed × effectiveGasPrice of the mined transaction, once settled. */
  readonly chargedWei: bigint | null;
  readonly txHash: string | null;
  /** Whether the user's call succeeded inside the mined transaction (the gas is charged either way). */
  readonly succeeded: boolean | null;
}

/** Spending in one period: reserved worst cases of open sponsorships plus settled charges. */
export interface PeriodSpending {
  readonly wei: bigint;
  readonly count: number;
}

/**
 * Asked under the store's lock with the tenant's and the user's spending in the period (before
 * this sponsorship): returns which budget would be exceeded, or null to accept.
 */
export type BudgetDecision = (tenant: PeriodSpending, user: PeriodSpending) => 'tenant' | 'user' | null;

export type ReserveOutcome =
  | { readonly outcome: 'accepted'; readonly record: SponsorshipRecord }
  | { readonly outcome: 'replay'; readonly record: SponsorshipRecord }
  | { readonly outcome: 'over-budget'; readonly budget: 'tenant' | 'user' };

export interface SponsorshipReceipt {
  readonly txHash: string;
  readonly gasUsed: bigint;
  readonly effectiveGasPrice: bigint;
  /** The receipt's status: false when the outer transaction reverted. */
  readonly succeeded: boolean;
}

/** Which reserved sponsorships a sender takes: its tenants (or every tenant but some), unexpired. */
export interface SponsorshipReservedQuery {
  readonly tenants: { readonly only: readonly string[] } | { readonly except: readonly string[] };
  /** Unix seconds: sponsorships whose deadline is earlier are left to be released. */
  readonly notBefore: bigint;
  readonly limit: number;
}

export interface SponsorshipStore {
  /**
   * Atomically: the existing record of this digest (replay), or the budget decision and, if it
   * accepts, the new record in state `reserved` holding gasLimit × maxFeePerGas.
   */
  reserve(sponsorship: NewSponsorship, decide: BudgetDecision): Promise<ReserveOutcome>;
  get(digest: string): Promise<SponsorshipRecord | null>;
  /** reserved → sent. Returns null when there is no such record or it is not reserved/sent. */
  markSent(digest: string, txHash: string): Promise<SponsorshipRecord | null>;
  /**
   * reserved/sent → settled, charged gasUsed × effectiveGasPrice (also when the call failed).
   * Settling a settled record again with the same receipt returns it unchanged; null otherwise.
   */
  settle(digest: string, receipt: SponsorshipReceipt): Promise<SponsorshipRecord | null>;
  /**
   * settled → sent, the charge forgotten: the block that held its transaction `txHash` was
   * reorganized away, so it is settled again from whichever receipt the chain ends up with.
   * Returns null when it is not settled from `txHash` (already unsettled, or never settled).
   */
  unsettle(digest: string, txHash: string): Promise<SponsorshipRecord | null>;
  /**
   * Reserved sponsorships not yet handed to a sender, oldest acceptance first (then digest), of
   * the tenants in `tenants.only` or of all but those in `tenants.except`, deadline ≥ `notBefore`.
   */
  listReserved(query: SponsorshipReservedQuery): Promise<SponsorshipRecord[]>;
  /** reserved (never sent) with deadline < now → released. Returns the digests released. */
  releaseExpired(now: bigint): Promise<string[]>;
  /** The tenant's (or, with a user, that user's) spending in the period starting at `periodStart`. */
  spending(tenant: string, periodStart: bigint, user?: string): Promise<PeriodSpending>;
}
