/**
 * A registry call the user signs and the sponsor pays for: the EIP-712 ForwardRequest built and
 * signed here with the user's account key (which holds no ETH), posted to the sponsor
 * (`POST /v1/sponsorships` with the tenant's API key), then its status polled until it is mined.
 */
import type { Wallet } from 'ethers';
import { FORWARD_REQUEST_TYPES, forwarderDomain } from '@anchorpost/sponsor-core';
import { anchorpostKeyRegistryInterface as registry } from '@anchorpost/sponsor-contracts';
import { CliError } from '../../failure.ts';
import { refusal, request, serviceUrl } from '../../http.ts';
import { forwarderNonceOf, trustedForwarderOf } from './key-registry.ts';
import type { RegistryAt } from './key-registry.ts';

export interface SponsorAt {
  readonly url: string;
  readonly apiKey: string;
}

export interface SponsoredCall {
  readonly name: 'register' | 'rotate' | 'revoke';
  readonly args: readonly unknown[];
  /** The inner call's gas, signed by the user; the sponsor's policy caps it. */
  readonly gas: bigint;
  /** How long the sponsor may take to send it, from the chain's latest block time. */
  readonly ttlSeconds: bigint;
}

export interface Sponsorship {
  digest: string;
  status: string;
  user: string;
  reservedWei: string;
  chargedWei: string | null;
  txHash: string | null;
  succeeded: boolean | null;
}

async function latestTimestamp(at: RegistryAt): Promise<bigint> {
  const block = await at.rpc.request<{ timestamp: string }>('eth_getBlockByNumber', ['latest', false]);
  return BigInt(block.timestamp);
}

/** The sponsor's request body: the user's ForwardRequest to the registry, signed. */
export async function forwardRequestBody(
  at: RegistryAt,
  user: Wallet,
  call: SponsoredCall,
): Promise<Record<string, unknown>> {
  const chainId = BigInt(await at.rpc.request<string>('eth_chainId', []));
  const forwarder = await trustedForwarderOf(at);
  const fields = {
    from: user.address,
    to: at.registry,
    value: 0n,
    gas: call.gas,
    nonce: await forwarderNonceOf(at, forwarder, user.address),
    deadline: (await latestTimestamp(at)) + call.ttlSeconds,
    data: registry.encodeFunctionData(call.name, call.args),
  };
  const signature = await user.signTypedData(
    forwarderDomain(chainId, forwarder),
    FORWARD_REQUEST_TYPES,
    fields,
  );
  return {
    kind: 'forward',
    forwarder,
    request: {
      from: fields.from,
      to: fields.to,
      value: '0',
      gas: fields.gas.toString(),
      nonce: fields.nonce.toString(),
      deadline: fields.deadline.toString(),
      data: fields.data,
      signature,
    },
  };
}

async function answer(response: Response, url: URL): Promise<unknown> {
  if (!response.ok) throw await refusal(response);
  return await response.json().catch((): unknown => {
    throw new CliError('BAD_RESPONSE', '-', `${url.origin} answered ${response.status} without JSON`);
  });
}

export async function postSponsorship(
  sponsor: SponsorAt,
  body: Record<string, unknown>,
): Promise<Sponsorship> {
  const url = serviceUrl(sponsor.url, '--sponsor', 'v1/sponsorships');
  const response = await request(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${sponsor.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return ((await answer(response, url)) as { sponsorship: Sponsorship }).sponsorship;
}

const POLL_MS = 500;

/** Polls the sponsorship until it is mined (or final); a failed or expired one is a failure. */
export async function untilMined(
  sponsor: SponsorAt,
  digest: string,
  timeoutMs: number,
): Promise<Sponsorship> {
  const url = serviceUrl(sponsor.url, '--sponsor', `v1/sponsorships/${encodeURIComponent(digest)}`);
  const giveUpAt = Date.now() + timeoutMs;
  for (;;) {
    const response = await request(url, { headers: { authorization: `Bearer ${sponsor.apiKey}` } });
    const sponsorship = (await answer(response, url)) as Sponsorship;
    if (sponsorship.status === 'mined' || sponsorship.status === 'final') {
      if (sponsorship.succeeded === false) {
        throw new CliError(
          'SPONSORED_CALL_REVERTED',
          '-',
          `the registry refused the call in ${sponsorship.txHash} (the sponsor paid its gas)`,
        );
      }
      return sponsorship;
    }
    if (sponsorship.status === 'failed' || sponsorship.status === 'expired') {
      throw new CliError(
        `SPONSORSHIP_${sponsorship.status.toUpperCase()}`,
        '-',
        `sponsorship ${digest} ${sponsorship.status}`,
      );
    }
    if (Date.now() >= giveUpAt) {
      throw new CliError(
        'WAIT_TIMEOUT',
        '-',
        `sponsorship ${digest} still ${sponsorship.status}; ask again with 'anchorpost sponsor status ${digest}'`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
