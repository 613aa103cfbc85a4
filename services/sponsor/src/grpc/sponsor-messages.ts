/**
 * gRPC messages ↔ the sponsor's views: a RequestSponsorshipRequest becomes the same JSON body
 * `POST /v1/sponsorships` takes (so both transports are read by one strict parser), and a
 * SponsorshipView becomes a Sponsorship message.
 */
import type { RequestSponsorshipRequest__Output } from '../generated/anchorpost/sponsor/v1/RequestSponsorshipRequest.ts';
import type { Sponsorship } from '../generated/anchorpost/sponsor/v1/Sponsorship.ts';
import type { SponsorshipView } from '../sponsorship-answers.ts';

/** The HTTP body of a request message; an empty oneof gives a body the parser refuses (BAD_REQUEST). */
export function requestBody(message: RequestSponsorshipRequest__Output): unknown {
  const { forward, ballot } = message;
  if (message.request === 'forward' && forward != null) {
    const { forwarder, ...request } = forward;
    return { kind: 'forward', forwarder, request };
  }
  if (message.request === 'ballot' && ballot != null) {
    const { governor, ...fields } = ballot;
    return { kind: 'ballot', governor, ballot: fields };
  }
  return {};
}

export function sponsorshipMessage(view: SponsorshipView): Sponsorship {
  return {
    digest: view.digest,
    status: `SPONSORSHIP_STATUS_${view.status.toUpperCase()}` as Sponsorship['status'],
    user: view.user,
    kind: view.kind,
    to: view.to,
    gasLimit: view.gasLimit,
    maxFeePerGas: view.maxFeePerGas,
    deadline: view.deadline,
    reservedWei: view.reservedWei,
    ...(view.chargedWei === null ? {} : { chargedWei: view.chargedWei }),
    ...(view.txHash === null ? {} : { txHash: view.txHash }),
    ...(view.succeeded === null ? {} : { succeeded: view.succeeded }),
  };
}
