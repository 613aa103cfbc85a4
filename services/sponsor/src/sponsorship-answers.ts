/**
 * The two things a tenant asks the sponsor, whatever the transport: accept a signed request, and
 * where a sponsorship is. The view is the same for HTTP and gRPC; amounts are decimal strings.
 * A digest accepted for another tenant is NOT_FOUND to this one: it learns nothing of it.
 */
import { getAddress } from 'ethers';
import { periodStart, SponsorError, SponsorErrorCode, sponsorshipStatus } from '@anchorpost/sponsor-core';
import type { AcceptanceObserver } from './sponsorship-metrics.ts';
import type {
  TenantPolicy,
  SponsorDesk,
  SponsorshipRecord,
  SponsorshipStatus,
  SponsorshipStore,
  TransactionState,
} from '@anchorpost/sponsor-core';

export interface SponsorshipView {
  readonly digest: string;
  readonly status: SponsorshipStatus;
  readonly user: string;
  readonly kind: 'forward' | 'ballot';
  readonly to: string;
  readonly gasLimit: string;
  readonly maxFeePerGas: string;
  /** Unix seconds. */
  readonly deadline: string;
  readonly reservedWei: string;
  readonly chargedWei: string | null;
  readonly txHash: string | null;
  /** Whether the user's call succeeded in the mined transaction (charged either way). */
  readonly succeeded: boolean | null;
}

export interface AcceptedSponsorship {
  /** false: this signed request was accepted before, and this is where it is now. */
  readonly firstTime: boolean;
  readonly sponsorship: SponsorshipView;
}

/** Where a sponsorship's transaction is in the engine, by digest; undefined before it has one. */
export type TransactionStateOf = (digest: string) => Promise<TransactionState | undefined>;

export interface SponsorshipAnswersOptions {
  readonly desk: SponsorDesk;
  readonly store: SponsorshipStore;
  readonly transactionState: TransactionStateOf;
  readonly policyOf: (tenant: string) => TenantPolicy | undefined;
  /** Unix seconds. */
  readonly now: () => bigint;
  /** Wraps each acceptance (sponsorship-metrics.ts: counted and timed). */
  readonly observe?: AcceptanceObserver;
}

/** A budget and what the period has used of it (reserved worst cases plus settled charges). */
export interface BudgetUse {
  readonly budgetWei: string;
  readonly budgetCount: number;
  readonly spentWei: string;
  readonly spentCount: number;
}

export interface BudgetView {
  /** Unix seconds: the period's start, and its length. */
  readonly periodStart: string;
  readonly periodSeconds: number;
  readonly tenant: BudgetUse;
  /** With a user asked about: that user's budget and use. */
  readonly user?: BudgetUse & { readonly address: string };
}

const DIGEST = /^0x[0-9a-f]{64}$/;

export class SponsorshipAnswers {
  readonly #options: SponsorshipAnswersOptions;

  constructor(options: SponsorshipAnswersOptions) {
    this.#options = options;
  }

  async accept(tenant: string, body: unknown): Promise<AcceptedSponsorship> {
    const accept = async (): Promise<AcceptedSponsorship> => {
      const answer = await this.#options.desk.accept(tenant, body);
      return { firstTime: answer.firstTime, sponsorship: await this.#view(answer.record) };
    };
    return this.#options.observe === undefined ? accept() : this.#options.observe(tenant, accept);
  }

  async status(tenant: string, digest: string): Promise<SponsorshipView> {
    const key = digest.toLowerCase();
    if (!DIGEST.test(key))
      throw new SponsorError(SponsorErrorCode.BadRequest, 'digest: expected 0x and 64 hex characters');
    const record = await this.#options.store.get(key);
    if (record?.tenant !== tenant)
      throw new SponsorError(SponsorErrorCode.NotFound, `no sponsorship ${key} for this tenant`);
    return this.#view(record);
  }

  /** The tenant's budget this period (and one user's, with `user`); UNKNOWN_TENANT without a policy. */
  async budget(tenant: string, user?: string): Promise<BudgetView> {
    const { policyOf, store, now } = this.#options;
    const policy = policyOf(tenant);
    if (policy === undefined)
      throw new SponsorError(SponsorErrorCode.UnknownTenant, `no policy for tenant ${tenant}`);
    let address: string | undefined;
    if (user !== undefined) {
      try {
        address = getAddress(user);
      } catch {
        throw new SponsorError(SponsorErrorCode.BadRequest, 'user: expected an address');
      }
    }
    const start = periodStart(policy, now());
    const use = async (budget: TenantPolicy['tenantBudget'], who?: string): Promise<BudgetUse> => {
      const spent = await store.spending(tenant, start, who);
      return {
        budgetWei: budget.wei.toString(),
        budgetCount: budget.count,
        spentWei: spent.wei.toString(),
        spentCount: spent.count,
      };
    };
    return {
      periodStart: start.toString(),
      periodSeconds: policy.periodSeconds,
      tenant: await use(policy.tenantBudget),
      ...(address === undefined ? {} : { user: { address, ...(await use(policy.userBudget, address)) } }),
    };
  }

  async #view(record: SponsorshipRecord): Promise<SponsorshipView> {
    return {
      digest: record.digest,
      status: sponsorshipStatus(record, await this.#options.transactionState(record.digest)),
      user: record.user,
      kind: record.kind,
      to: record.to,
      gasLimit: record.gasLimit.toString(),
      maxFeePerGas: record.maxFeePerGas.toString(),
      deadline: record.deadline.toString(),
      reservedWei: record.reservedWei.toString(),
      chargedWei: record.chargedWei?.toString() ?? null,
      txHash: record.txHash,
      succeeded: record.succeeded,
    };
  }
}
