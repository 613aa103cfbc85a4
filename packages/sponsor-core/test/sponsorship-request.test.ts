import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TypedDataEncoder } from 'ethers';
import {
  CAST_VOTE_BY_SIG_SELECTOR,
  FORWARD_REQUEST_TYPES,
  forwarderCalls,
  forwarderDomain,
  governorCalls,
} from '../src/eip712.ts';
import { SponsorError } from '../src/sponsor-error.ts';
import { parseSponsorshipRequest, verifySponsorshipRequest } from '../src/sponsorship-request.ts';
import {
  FORWARDER,
  GOVERNOR,
  NOW,
  SELECTOR,
  TARGET,
  alice,
  ballotBody,
  forwardBody,
  forwardFields,
  mallory,
  network,
} from './fixtures.ts';

function refused(run: () => unknown, code: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof SponsorError, String(error));
    assert.equal(error.code, code, error.message);
    assert.equal(error.retryable, false);
    return true;
  });
}

const verify = (body: unknown) => verifySponsorshipRequest(parseSponsorshipRequest(body), network, NOW);

describe('a forward request', () => {
  it('verifies: the digest is the EIP-712 hash, the transaction is the forwarder’s execute without the nonce', async () => {
    const fields = forwardFields();
    const sponsorship = verify(await forwardBody(fields));
    assert.equal(sponsorship.kind, 'forward');
    assert.equal(
      sponsorship.digest,
      TypedDataEncoder.hash(forwarderDomain(31337n, FORWARDER), FORWARD_REQUEST_TYPES, fields).toLowerCase(),
    );
    assert.equal(sponsorship.user, alice.address);
    assert.equal(sponsorship.target, TARGET);
    assert.equal(sponsorship.selector, SELECTOR);
    assert.equal(sponsorship.innerGas, 100_000n);
    assert.equal(sponsorship.deadline, NOW + 600n);
    assert.equal(sponsorship.transaction.to, FORWARDER);
    const sent = forwarderCalls.decodeFunctionData('execute', sponsorship.transaction.data)[0] as {
      from: string;
      data: string;
    };
    assert.equal(sent.from, alice.address);
    assert.equal(sent.data, fields.data);
  });

  it('is refused BAD_SIGNATURE when signed by someone else, or changed after signing', async () => {
    const byMallory = await forwardBody(forwardFields(), mallory);
    refused(() => verify(byMallory), 'BAD_SIGNATURE');
    const tampered = await forwardBody();
    (tampered.request as Record<string, unknown>).gas = '5000000';
    refused(() => verify(tampered), 'BAD_SIGNATURE');
    const garbage = await forwardBody();
    (garbage.request as Record<string, unknown>).signature = `0x${'00'.repeat(65)}`;
    refused(() => verify(garbage), 'BAD_SIGNATURE');
  });

  it('is refused NOT_ALLOWED for another forwarder, or when it would send value', async () => {
    const elsewhere = await forwardBody(forwardFields(), alice, TARGET);
    refused(() => verify(elsewhere), 'NOT_ALLOWED');
    const withValue = await forwardBody(forwardFields({ value: 1n }));
    refused(() => verify(withValue), 'NOT_ALLOWED');
  });

  it('is refused BAD_REQUEST when malformed', async () => {
    const good = await forwardBody();
    const request = good.request as Record<string, unknown>;
    const cases: unknown[] = [
      null,
      [],
      { ...good, kind: 'transfer' },
      { ...good, forwarder: 'not an address' },
      { ...good, request: { ...request, from: undefined } },
      { ...good, request: { ...request, gas: 100000 } },
      { ...good, request: { ...request, gas: '-1' } },
      { ...good, request: { ...request, gas: '0100' } },
      { ...good, request: { ...request, deadline: (1n << 48n).toString() } },
      { ...good, request: { ...request, data: '0x123' } },
      { ...good, request: { ...request, data: `0x${'00'.repeat(16_385)}` } },
      { ...good, request: { ...request, signature: `0x${'00'.repeat(66)}` } },
    ];
    for (const body of cases) refused(() => parseSponsorshipRequest(body), 'BAD_REQUEST');
  });
});

describe('a Governor ballot', () => {
  it('verifies: castVoteBySig on the governor, deadline from the sponsor’s time to live', async () => {
    const sponsorship = verify(await ballotBody());
    assert.equal(sponsorship.kind, 'ballot');
    assert.equal(sponsorship.user, alice.address);
    assert.equal(sponsorship.target, GOVERNOR);
    assert.equal(sponsorship.selector, CAST_VOTE_BY_SIG_SELECTOR);
    assert.equal(sponsorship.deadline, NOW + 3600n);
    const [proposalId, support, voter] = governorCalls.decodeFunctionData(
      'castVoteBySig',
      sponsorship.transaction.data,
    );
    assert.deepEqual([proposalId, support, voter], [42n, 1n, alice.address]);
  });

  it('is refused BAD_SIGNATURE when the voter did not sign it, NOT_ALLOWED for an unknown governor', async () => {
    const forged = await ballotBody(mallory, alice.address);
    refused(() => verify(forged), 'BAD_SIGNATURE');
    const elsewhere = { ...(await ballotBody()), governor: TARGET };
    refused(() => verify(elsewhere), 'NOT_ALLOWED');
  });
});
