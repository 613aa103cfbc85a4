// SponsorDesk on a SponsorChain test double (scripted answers, counting calls) and the in-memory
// store double: the order of checks, what each refusal leaves behind (nothing), replays.
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { SponsorDesk } from '../src/sponsor-desk.ts';
import { SponsorError } from '../src/sponsor-error.ts';
import type { ChainVerdict, SponsorChain } from '../src/sponsor-chain.ts';
import type { TenantPolicy } from '../src/sponsor-policy.ts';
import { MemorySponsorshipStoreDouble } from '../src/testing/index.ts';
import { NOW, SELECTOR, TARGET, alice, forwardBody, forwardFields, mallory, network } from './fixtures.ts';

const GWEI = 1_000_000_000n;

class SponsorChainDouble implements SponsorChain {
  verifies = true;
  call_: ChainVerdict = { ok: true };
  estimate: { ok: true; gas: bigint } | { ok: false; reason: string } = { ok: true, gas: 80_000n };
  down = false;
  calls = 0;

  #asked(): void {
    this.calls += 1;
    if (this.down) throw new Error('connect ECONNREFUSED');
  }
  verifyForwardRequest(): Promise<boolean> {
    this.#asked();
    return Promise.resolve(this.verifies);
  }
  call(): Promise<ChainVerdict> {
    this.#asked();
    return Promise.resolve(this.call_);
  }
  estimateGas(): Promise<{ ok: true; gas: bigint } | { ok: false; reason: string }> {
    this.#asked();
    return Promise.resolve(this.estimate);
  }
  maxFeePerGas(): Promise<bigint> {
    this.#asked();
    return Promise.resolve(10n * GWEI);
  }
}

const policy: TenantPolicy = {
  tenant: 'acme',
  allow: new Map([[TARGET, new Set([SELECTOR])]]),
  maxGas: 150_000n,
  periodSeconds: 86_400,
  tenantBudget: { wei: 3n * 80_000n * 10n * GWEI, count: 100 },
  userBudget: { wei: 2n * 80_000n * 10n * GWEI, count: 100 },
  minDeadlineSeconds: 30,
};

describe('SponsorDesk', () => {
  let chain: SponsorChainDouble;
  let store: MemorySponsorshipStoreDouble;
  let desk: SponsorDesk;
  beforeEach(() => {
    chain = new SponsorChainDouble();
    store = new MemorySponsorshipStoreDouble();
    desk = new SponsorDesk({
      network,
      store,
      chain,
      policyOf: (tenant) => (tenant === 'acme' || tenant === 'globex' ? policy : undefined),
      sponsorAccount: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
      now: () => NOW,
    });
  });

  async function refusedWith(body: unknown, code: string, tenant = 'acme'): Promise<void> {
    await assert.rejects(desk.accept(tenant, body), (error: unknown) => {
      assert.ok(error instanceof SponsorError, String(error));
      assert.equal(error.code, code, error.message);
      return true;
    });
  }

  it('accepts a valid request, reserving estimate × max fee', async () => {
    const answer = await desk.accept('acme', await forwardBody());
    assert.equal(answer.firstTime, true);
    assert.equal(answer.record.state, 'reserved');
    assert.equal(answer.record.user, alice.address);
    assert.equal(answer.record.gasLimit, 80_000n);
    assert.equal(answer.record.reservedWei, 80_000n * 10n * GWEI);
    assert.equal(answer.record.periodStart, NOW - (NOW % 86_400n));
  });

  it('answers a replay with the first answer without asking the chain or reserving again', async () => {
    const body = await forwardBody();
    const first = await desk.accept('acme', body);
    const asked = chain.calls;
    chain.estimate = { ok: true, gas: 140_000n };
    const again = await desk.accept('acme', body);
    assert.equal(again.firstTime, false);
    assert.deepEqual(again.record, first.record);
    assert.equal(chain.calls, asked);
    assert.deepEqual(await store.spending('acme', first.record.periodStart), {
      wei: first.record.reservedWei,
      count: 1,
    });
  });

  it('refuses a request accepted for another tenant (OTHER_TENANT), telling it nothing of the first answer', async () => {
    const body = await forwardBody();
    await desk.accept('acme', body);
    await assert.rejects(desk.accept('globex', body), (error: unknown) => {
      assert.ok(error instanceof SponsorError);
      assert.equal(error.code, 'OTHER_TENANT');
      assert.ok(!error.message.includes('acme'));
      return true;
    });
  });

  it('refuses, reserving nothing: bad signature, expired, selector not allowed, inner gas over the cap', async () => {
    await refusedWith(await forwardBody(forwardFields(), mallory), 'BAD_SIGNATURE');
    await refusedWith(await forwardBody(forwardFields({ deadline: NOW - 1n })), 'EXPIRED');
    await refusedWith(await forwardBody(forwardFields({ data: '0x87654321' })), 'NOT_ALLOWED');
    await refusedWith(await forwardBody(forwardFields({ gas: 150_001n })), 'GAS_TOO_HIGH');
    await refusedWith(await forwardBody(), 'UNKNOWN_TENANT', 'other');
    assert.equal(chain.calls, 0, 'nothing refused on its face reaches the chain');
    assert.deepEqual(await store.spending('acme', NOW - (NOW % 86_400n)), { wei: 0n, count: 0 });
  });

  it('refuses on the chain’s word: forwarder’s verify, eth_call, a failed estimate (never a guessed gas limit), gas over the cap', async () => {
    chain.verifies = false;
    await refusedWith(await forwardBody(forwardFields({ nonce: 1n })), 'FORWARDER_REFUSED');
    chain.verifies = true;
    chain.call_ = { ok: false, reason: 'KeyAlreadyRegistered' };
    await refusedWith(await forwardBody(forwardFields({ nonce: 2n })), 'CALL_REVERTED');
    chain.call_ = { ok: true };
    chain.estimate = { ok: false, reason: 'out of gas' };
    await refusedWith(await forwardBody(forwardFields({ nonce: 3n })), 'ESTIMATE_FAILED');
    chain.estimate = { ok: true, gas: 150_001n };
    await refusedWith(await forwardBody(forwardFields({ nonce: 4n })), 'GAS_TOO_HIGH');
    chain.down = true;
    const body = await forwardBody(forwardFields({ nonce: 5n }));
    await assert.rejects(desk.accept('acme', body), (error: unknown) => {
      assert.ok(error instanceof SponsorError);
      assert.equal(error.code, 'CHAIN_UNAVAILABLE');
      assert.equal(error.retryable, true);
      return true;
    });
    assert.deepEqual(await store.spending('acme', NOW - (NOW % 86_400n)), { wei: 0n, count: 0 });
  });

  it('refuses OVER_BUDGET (retryable) past the user’s budget, then past the tenant’s', async () => {
    await desk.accept('acme', await forwardBody(forwardFields({ nonce: 1n })));
    await desk.accept('acme', await forwardBody(forwardFields({ nonce: 2n })));
    await refusedWith(await forwardBody(forwardFields({ nonce: 3n })), 'OVER_BUDGET');
    await desk.accept('acme', await forwardBody(forwardFields({ from: mallory.address }), mallory));
    await refusedWith(
      await forwardBody(forwardFields({ from: mallory.address, nonce: 1n }), mallory),
      'OVER_BUDGET',
    );
    assert.deepEqual(await store.spending('acme', NOW - (NOW % 86_400n)), {
      wei: 3n * 80_000n * 10n * GWEI,
      count: 3,
    });
  });
});
