/**
 * Accepting a sponsorship, in the order that sends nothing and reserves nothing for a request
 * that cannot be carried out: read, verify the signature (its digest is the key), answer a
 * replay with the first answer, then deadline, policy, the forwarder's `verify`, `eth_call` and
 * `eth_estimateGas` (a failed estimate refuses the request: no guessed gas limits), the gas cap,
 * and finally the reservation of gasLimit × maxFeePerGas against the tenant's and the user's
 * budgets in one atomic step of the store. Sending is not here: an accepted sponsorship is a
 * `reserved` record that the sending side picks up.
 */
import { SponsorError, SponsorErrorCode } from './sponsor-error.ts';
import type { SponsorChain } from './sponsor-chain.ts';
import { checkAllowed, checkDeadline, checkGas, fitsBudget, periodStart } from './sponsor-policy.ts';
import type { TenantPolicy } from './sponsor-policy.ts';
import type { SponsorshipRecord, SponsorshipStore } from './sponsorship-store.ts';
import { parseSponsorshipRequest, verifySponsorshipRequest } from './sponsorship-request.ts';
import type { SponsorNetwork, SponsorshipRequest, VerifiedSponsorship } from './sponsorship-request.ts';

export interface SponsorDeskOptions {
  readonly network: SponsorNetwork;
  readonly store: SponsorshipStore;
  readonly chain: SponsorChain;
  /** The tenant's policy, or undefined for a tenant the sponsor does not serve. */
  readonly policyOf: (tenant: string) => TenantPolicy | undefined;
  /** The account that pays (for eth_call/eth_estimateGas the transaction is simulated from it). */
  readonly sponsorAccount: string;
  /** Unix seconds. */
  readonly now: () => bigint;
}

export interface SponsorshipAnswer {
  /** false: this digest was accepted before, and this is that first answer. */
  readonly firstTime: boolean;
  readonly record: SponsorshipRecord;
}

/** The first answer, to the tenant it was given to only: another tenant learns nothing of it. */
function replayFor(tenant: string, first: SponsorshipRecord): SponsorshipAnswer {
  if (first.tenant !== tenant) {
    throw new SponsorError(
      SponsorErrorCode.OtherTenant,
      'this signed request was accepted for another tenant',
    );
  }
  return { firstTime: false, record: first };
}

export class SponsorDesk {
  readonly #options: SponsorDeskOptions;

  constructor(options: SponsorDeskOptions) {
    this.#options = options;
  }

  /** Reads, checks and accepts a request body (parsed JSON) for `tenant`, or throws SponsorError. */
  async accept(tenant: string, body: unknown): Promise<SponsorshipAnswer> {
    const { network, store, policyOf, now } = this.#options;
    const policy = policyOf(tenant);
    if (policy === undefined)
      throw new SponsorError(SponsorErrorCode.UnknownTenant, `no policy for tenant ${tenant}`);
    const request = parseSponsorshipRequest(body);
    const acceptedAt = now();
    const sponsorship = verifySponsorshipRequest(request, network, acceptedAt);
    const first = await store.get(sponsorship.digest);
    if (first !== null) return replayFor(tenant, first);
    checkDeadline(policy, sponsorship.deadline, acceptedAt);
    checkAllowed(policy, sponsorship);
    if (sponsorship.innerGas !== null) checkGas(policy, sponsorship.innerGas);
    const { gasLimit, maxFeePerGas } = await this.#chainChecks(request, sponsorship);
    checkGas(policy, gasLimit);
    const worstCase = gasLimit * maxFeePerGas;
    const outcome = await store.reserve(
      {
        digest: sponsorship.digest,
        tenant,
        user: sponsorship.user,
        kind: sponsorship.kind,
        to: sponsorship.transaction.to,
        data: sponsorship.transaction.data,
        gasLimit,
        maxFeePerGas,
        deadline: sponsorship.deadline,
        periodStart: periodStart(policy, acceptedAt),
        acceptedAt,
      },
      (spentByTenant, spentByUser) => {
        if (!fitsBudget(policy.tenantBudget, spentByTenant, worstCase)) return 'tenant';
        if (!fitsBudget(policy.userBudget, spentByUser, worstCase)) return 'user';
        return null;
      },
    );
    if (outcome.outcome === 'over-budget') {
      throw new SponsorError(
        SponsorErrorCode.OverBudget,
        `${outcome.budget === 'tenant' ? `tenant ${tenant}` : `user ${sponsorship.user}`} has no budget left for ${worstCase} wei this period`,
      );
    }
    return outcome.outcome === 'accepted'
      ? { firstTime: true, record: outcome.record }
      : replayFor(tenant, outcome.record);
  }

  async #chainChecks(
    request: SponsorshipRequest,
    sponsorship: VerifiedSponsorship,
  ): Promise<{ gasLimit: bigint; maxFeePerGas: bigint }> {
    const { chain, sponsorAccount } = this.#options;
    try {
      if (
        request.kind === 'forward' &&
        !(await chain.verifyForwardRequest(request.forwarder, request.request))
      ) {
        throw new SponsorError(
          SponsorErrorCode.ForwarderRefused,
          'the forwarder refuses the request (nonce used, deadline passed, or the target does not trust it)',
        );
      }
      const call = await chain.call(sponsorAccount, sponsorship.transaction);
      if (!call.ok) throw new SponsorError(SponsorErrorCode.CallReverted, `the call reverts: ${call.reason}`);
      const estimate = await chain.estimateGas(sponsorAccount, sponsorship.transaction);
      if (!estimate.ok)
        throw new SponsorError(SponsorErrorCode.EstimateFailed, `no gas estimate: ${estimate.reason}`);
      return { gasLimit: estimate.gas, maxFeePerGas: await chain.maxFeePerGas() };
    } catch (error) {
      if (error instanceof SponsorError) throw error;
      throw new SponsorError(SponsorErrorCode.ChainUnavailable, 'the chain could not be asked', {
        cause: error,
      });
    }
  }
}
