// How SponsorClient waits for a sponsorship (key publishing waits so), against a test double of the
// sponsor's status route: a call refused on chain (mined, not succeeded) fails with
// SPONSORED_CALL_REVERTED and names the transaction; one still pending when the wait ends fails
// with WAIT_TIMEOUT (retryable) and names its digest; an unknown digest is NOT_FOUND. The sponsor
// itself is tested in services/sponsor, the client against it in services/platform/test/sdk-key-publishing.test.ts.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SdkError, SdkErrorCode } from '../src/sdk-error.ts';
import { SponsorClient, type Sponsorship } from '../src/sponsor-client.ts';

const API_KEY = 'ap_test_double_key';
const TX_HASH = `0x${'cd'.repeat(32)}`;

/** Answers each sponsorship's status from `answers`, as the sponsor's GET route does, and counts asks. */
class SponsorStatusTestDouble {
  readonly answers = new Map<string, Sponsorship>();
  readonly asked = new Map<string, number>();
  readonly #server: Server = createServer((request, response) => {
    const digest = decodeURIComponent(/^\/v1\/sponsorships\/([^/]+)$/.exec(request.url ?? '')?.[1] ?? '');
    const answer = this.answers.get(digest);
    if (request.headers.authorization !== `Bearer ${API_KEY}` || answer === undefined) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ error: { code: 'NOT_FOUND', field: '-', message: 'no such sponsorship' } }),
      );
      return;
    }
    this.asked.set(digest, (this.asked.get(digest) ?? 0) + 1);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(answer));
  });

  async listen(): Promise<string> {
    this.#server.listen(0, '127.0.0.1');
    await once(this.#server, 'listening');
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}

function sponsorship(digest: string, fields: Partial<Sponsorship>): Sponsorship {
  return {
    digest,
    status: 'pending',
    user: `0x${'11'.repeat(20)}`,
    reservedWei: '1000',
    chargedWei: null,
    txHash: null,
    succeeded: null,
    ...fields,
  };
}

describe('SponsorClient.untilMined', () => {
  const sponsor = new SponsorStatusTestDouble();
  let client: SponsorClient;

  before(async () => {
    client = new SponsorClient({ url: await sponsor.listen(), apiKey: API_KEY, pollMs: 200 });
  });
  after(async () => {
    await sponsor.close();
  });

  it('fails with SPONSORED_CALL_REVERTED when the mined call was refused by the registry', async () => {
    const digest = `0x${'01'.repeat(32)}`;
    sponsor.answers.set(
      digest,
      sponsorship(digest, { status: 'mined', txHash: TX_HASH, chargedWei: '900', succeeded: false }),
    );
    await assert.rejects(
      client.untilMined(digest, { timeoutMs: 5_000, callee: 'the registry' }),
      (error: unknown) =>
        error instanceof SdkError &&
        error.code === SdkErrorCode.SponsoredCallReverted &&
        error.message.includes(`the registry refused the call in ${TX_HASH}`),
    );
  });

  it('returns a mined call that succeeded (the same route, the other outcome)', async () => {
    const digest = `0x${'02'.repeat(32)}`;
    sponsor.answers.set(
      digest,
      sponsorship(digest, { status: 'final', txHash: TX_HASH, chargedWei: '900', succeeded: true }),
    );
    assert.equal((await client.untilMined(digest, { timeoutMs: 5_000 })).txHash, TX_HASH);
  });

  it('fails with WAIT_TIMEOUT, naming the digest, when it is still on its way at the end', async () => {
    const digest = `0x${'03'.repeat(32)}`;
    sponsor.answers.set(digest, sponsorship(digest, { status: 'sent', txHash: TX_HASH }));
    const started = Date.now();
    await assert.rejects(
      client.untilMined(digest, { timeoutMs: 1_200 }),
      (error: unknown) =>
        error instanceof SdkError &&
        error.code === SdkErrorCode.WaitTimeout &&
        error.retryable &&
        error.message === `sponsorship ${digest} still sent`,
    );
    assert.ok(Date.now() - started >= 1_200, 'it waited the whole time');
    assert.ok(sponsor.asked.get(digest)! >= 2, 'it asked more than once');
  });

  it('answers NOT_FOUND, with the sponsor’s own code, for a digest it does not know', async () => {
    await assert.rejects(
      client.status(`0x${'04'.repeat(32)}`),
      (error: unknown) =>
        error instanceof SdkError && error.code === SdkErrorCode.NotFound && error.apiCode === 'NOT_FOUND',
    );
  });
});
