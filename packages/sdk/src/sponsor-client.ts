/**
 * The sponsor's HTTP API for a tenant (services/sponsor, docs/sponsor.md): post a user's signed
 * request (`POST /v1/sponsorships`, the tenant's API key as bearer token), ask where a sponsorship
 * is (`GET /v1/sponsorships/{digest}`) and wait until it is mined. The one sponsor client of the
 * SDK: key publishing uses it, and anything else a user signs and a sponsor pays for can.
 */
import { baseUrl, isRecord, refusalOf, send } from './api-refusal.ts';
import { SdkError, SdkErrorCode } from './sdk-error.ts';

/** What the sponsor answers for a sponsorship (amounts in wei, as decimal strings). */
export interface Sponsorship {
  readonly digest: string;
  /** `pending | sent | mined | final | failed | expired` (docs/sponsor.md). */
  readonly status: string;
  readonly user: string;
  readonly reservedWei: string;
  readonly chargedWei: string | null;
  readonly txHash: string | null;
  /** Whether the user's call succeeded in the mined transaction (charged either way). */
  readonly succeeded: boolean | null;
  /** The rest of the sponsor's view (kind, to, gasLimit, deadline…), as it sent it. */
  readonly [field: string]: unknown;
}

/** A request body for `POST /v1/sponsorships`: an ERC-2771 forward request, EIP-712 signed. */
export interface SponsorshipRequestBody {
  readonly kind: 'forward';
  readonly forwarder: string;
  readonly request: {
    readonly from: string;
    readonly to: string;
    readonly value: string;
    readonly gas: string;
    readonly nonce: string;
    readonly deadline: string;
    readonly data: string;
    readonly signature: string;
  };
}

/** A Governor ballot signed by the voter (EIP-712 `Ballot`): the sponsor sends `castVoteBySig`. */
export interface BallotRequestBody {
  readonly kind: 'ballot';
  readonly governor: string;
  readonly ballot: {
    readonly proposalId: string;
    readonly support: string;
    readonly voter: string;
    readonly nonce: string;
    readonly signature: string;
  };
}

export interface SponsorClientOptions {
  /** The sponsor's base URL, e.g. `http://127.0.0.1:7490`. */
  readonly url: string;
  /** The tenant's API key. */
  readonly apiKey: string;
  /** How often `untilMined` asks (default 500 ms). */
  readonly pollMs?: number;
  readonly fetch?: typeof fetch;
}

const WHAT = 'sponsor';

export class SponsorClient {
  readonly #base: string;
  readonly #apiKey: string;
  readonly #pollMs: number;
  readonly #fetch: typeof fetch;

  constructor(options: SponsorClientOptions) {
    this.#base = baseUrl(options.url, 'the sponsor URL');
    this.#apiKey = options.apiKey;
    this.#pollMs = options.pollMs ?? 500;
    this.#fetch = options.fetch ?? fetch;
  }

  /** Posts a signed request; the same request again answers the first one's sponsorship. */
  async submit(body: SponsorshipRequestBody | BallotRequestBody): Promise<Sponsorship> {
    const answer = await this.#json('v1/sponsorships', {
      method: 'POST',
      headers: { authorization: `Bearer ${this.#apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!isRecord(answer) || !isSponsorship(answer.sponsorship))
      throw new SdkError(SdkErrorCode.BadResponse, `${WHAT}: an acceptance without its sponsorship`);
    return answer.sponsorship;
  }

  /** Where the sponsorship is now (NOT_FOUND for a digest this tenant never posted). */
  async status(digest: string): Promise<Sponsorship> {
    const answer = await this.#json(`v1/sponsorships/${encodeURIComponent(digest)}`, {
      headers: { authorization: `Bearer ${this.#apiKey}` },
    });
    if (!isSponsorship(answer)) throw new SdkError(SdkErrorCode.BadResponse, `${WHAT}: not a sponsorship`);
    return answer;
  }

  /**
   * Asks until the sponsorship is mined or final and answers it. Fails with SPONSORED_CALL_REVERTED
   * (mined, the user's call reverted; the sponsor paid), SPONSORSHIP_FAILED, SPONSORSHIP_EXPIRED, or
   * WAIT_TIMEOUT when it is still on its way after `timeoutMs` (ask `status` again later).
   * `callee` names the called contract in the SPONSORED_CALL_REVERTED message.
   */
  async untilMined(
    digest: string,
    options: { timeoutMs: number; callee?: string | undefined },
  ): Promise<Sponsorship> {
    const giveUpAt = Date.now() + options.timeoutMs;
    for (;;) {
      const sponsorship = await this.status(digest);
      if (sponsorship.status === 'mined' || sponsorship.status === 'final') {
        if (sponsorship.succeeded === false) {
          throw new SdkError(
            SdkErrorCode.SponsoredCallReverted,
            `${options.callee ?? 'the called contract'} refused the call in ${sponsorship.txHash} (the sponsor paid its gas)`,
          );
        }
        return sponsorship;
      }
      if (sponsorship.status === 'failed' || sponsorship.status === 'expired') {
        const code =
          sponsorship.status === 'failed' ? SdkErrorCode.SponsorshipFailed : SdkErrorCode.SponsorshipExpired;
        throw new SdkError(code, `sponsorship ${digest} ${sponsorship.status}`);
      }
      if (Date.now() >= giveUpAt)
        throw new SdkError(SdkErrorCode.WaitTimeout, `sponsorship ${digest} still ${sponsorship.status}`);
      await new Promise((resolve) => setTimeout(resolve, this.#pollMs));
    }
  }

  async #json(path: string, init: RequestInit): Promise<unknown> {
    const response = await send(this.#fetch, WHAT, `${this.#base}/${path}`, init);
    if (!response.ok) throw await refusalOf(WHAT, response);
    return await response.json().catch((cause: unknown) => {
      throw new SdkError(SdkErrorCode.BadResponse, `${WHAT}: HTTP ${response.status} without JSON`, {
        cause,
      });
    });
  }
}

function isSponsorship(value: unknown): value is Sponsorship {
  return isRecord(value) && typeof value.digest === 'string' && typeof value.status === 'string';
}
