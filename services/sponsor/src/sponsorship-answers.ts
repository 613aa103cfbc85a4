/**
 * The two things a tenant asks the sponsor, whatever the transport: accept a signed request, and
 * where a sponsorship is. The view is the same for HTTP and gRPC; amounts are decimal strings.
 * A digest accepted for another tenant is NOT_FOUND to this one: it learns nothing of it.
 */
import { SponsorError, SponsorErrorCode, sponsorshipStatus } from '@anchorpost/sponsor-core';
import type {
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
}

const DIGEST = /^0x[0-9a-f]{64}$/;

export class SponsorshipAnswers {
  readonly #options: SponsorshipAnswersOptions;

  constructor(options: SponsorshipAnswersOptions) {
    this.#options = options;
  }

  async accept(tenant: string, body: unknown): Promise<AcceptedSponsorship> {
    const answer = await this.#options.desk.accept(tenant, body);
    return { firstTime: answer.firstTime, sponsorship: await this.#view(answer.record) };
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
