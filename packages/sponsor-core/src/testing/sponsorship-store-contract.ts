/**
 * The contract suite of the SponsorshipStore port: the in-memory test double and the PostgreSQL
 * adapter (@anchorpost/db's SponsorshipRepository, on PGlite and on a real PostgreSQL) must both
 * pass it. Each test uses its own tenant, so one store serves the whole suite.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fitsBudget } from '../sponsor-policy.ts';
import type { Budget } from '../sponsor-policy.ts';
import type { BudgetDecision, NewSponsorship, SponsorshipStore } from '../sponsorship-store.ts';

export type SponsorshipStoreFactory = () => Promise<{
  store: SponsorshipStore;
  close: () => Promise<void>;
}>;

const PERIOD = 1_800_000_000n;
const GWEI = 1_000_000_000n;
/** gasLimit × maxFeePerGas of every sample: 100,000 gas at 10 gwei = 0.001 ETH. */
const WORST = 100_000n * 10n * GWEI;

let counter = 0;
function sample(tenant: string, user: string, overrides: Partial<NewSponsorship> = {}): NewSponsorship {
  counter += 1;
  return {
    digest: `0x${counter.toString(16).padStart(64, '0')}`,
    tenant,
    user,
    kind: 'forward',
    to: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
    data: `0xdeadbeef${'00'.repeat(32)}`,
    gasLimit: 100_000n,
    maxFeePerGas: 10n * GWEI,
    deadline: PERIOD + 600n,
    periodStart: PERIOD,
    acceptedAt: PERIOD + 5n,
    ...overrides,
  };
}

function decision(tenant: Budget, user: Budget): BudgetDecision {
  return (spentTenant, spentUser) => {
    if (!fitsBudget(tenant, spentTenant, WORST)) return 'tenant';
    if (!fitsBudget(user, spentUser, WORST)) return 'user';
    return null;
  };
}

const PLENTY: Budget = { wei: 10n ** 24n, count: 1_000_000 };
const ALICE = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const BOB = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';

export function sponsorshipStoreContract(name: string, factory: SponsorshipStoreFactory): void {
  describe(`SponsorshipStore contract: ${name}`, () => {
    let store: SponsorshipStore;
    let close: () => Promise<void>;
    before(async () => {
      ({ store, close } = await factory());
    });
    after(async () => {
      await close();
    });

    it('accepts a sponsorship reserving gasLimit × maxFeePerGas, and keeps every field', async () => {
      const wanted = sample('t-accept', ALICE);
      const result = await store.reserve(wanted, decision(PLENTY, PLENTY));
      assert.equal(result.outcome, 'accepted');
      const expected = {
        ...wanted,
        state: 'reserved',
        reservedWei: WORST,
        chargedWei: null,
        txHash: null,
        succeeded: null,
      };
      assert.deepEqual(result, { outcome: 'accepted', record: expected });
      assert.deepEqual(await store.get(wanted.digest), expected);
      assert.deepEqual(await store.spending('t-accept', PERIOD), { wei: WORST, count: 1 });
      assert.equal(await store.get(`0x${'ff'.repeat(32)}`), null);
    });

    it('answers a replay with the first record and reserves nothing more', async () => {
      const first = sample('t-replay', ALICE);
      await store.reserve(first, decision(PLENTY, PLENTY));
      const again = await store.reserve({ ...first, gasLimit: 999_999n, acceptedAt: PERIOD + 9n }, () => {
        throw new Error('a replay must not reach the budget decision');
      });
      assert.deepEqual(again, { outcome: 'replay', record: await store.get(first.digest) });
      assert.equal((await store.get(first.digest))?.gasLimit, 100_000n);
      assert.deepEqual(await store.spending('t-replay', PERIOD), { wei: WORST, count: 1 });
    });

    it('refuses past the tenant budget in wei and in count, and past one user’s budget only for that user', async () => {
      const byWei: Budget = { wei: 2n * WORST, count: 100 };
      assert.equal(
        (await store.reserve(sample('t-wei', ALICE), decision(byWei, PLENTY))).outcome,
        'accepted',
      );
      assert.equal((await store.reserve(sample('t-wei', BOB), decision(byWei, PLENTY))).outcome, 'accepted');
      assert.deepEqual(await store.reserve(sample('t-wei', BOB), decision(byWei, PLENTY)), {
        outcome: 'over-budget',
        budget: 'tenant',
      });
      const byCount: Budget = { wei: 10n ** 24n, count: 1 };
      assert.equal(
        (await store.reserve(sample('t-count', ALICE), decision(byCount, PLENTY))).outcome,
        'accepted',
      );
      assert.deepEqual(await store.reserve(sample('t-count', BOB), decision(byCount, PLENTY)), {
        outcome: 'over-budget',
        budget: 'tenant',
      });
      const perUser: Budget = { wei: WORST, count: 10 };
      assert.equal(
        (await store.reserve(sample('t-user', ALICE), decision(PLENTY, perUser))).outcome,
        'accepted',
      );
      assert.deepEqual(await store.reserve(sample('t-user', ALICE), decision(PLENTY, perUser)), {
        outcome: 'over-budget',
        budget: 'user',
      });
      assert.equal(
        (await store.reserve(sample('t-user', BOB), decision(PLENTY, perUser))).outcome,
        'accepted',
      );
      assert.deepEqual(await store.spending('t-user', PERIOD, ALICE), { wei: WORST, count: 1 });
      assert.deepEqual(await store.spending('t-user', PERIOD), { wei: 2n * WORST, count: 2 });
    });

    it('counts a sponsorship in its own period only', async () => {
      const daily: Budget = { wei: WORST, count: 1 };
      await store.reserve(sample('t-period', ALICE), decision(daily, PLENTY));
      const next = sample('t-period', ALICE, { periodStart: PERIOD + 86_400n });
      assert.equal((await store.reserve(next, decision(daily, PLENTY))).outcome, 'accepted');
    });

    it('settles to gasUsed × effectiveGasPrice, freeing the rest of the reservation; a failed call is charged too', async () => {
      const budget: Budget = { wei: 2n * WORST, count: 10 };
      const a = sample('t-settle', ALICE);
      const b = sample('t-settle', ALICE);
      await store.reserve(a, decision(budget, PLENTY));
      await store.reserve(b, decision(budget, PLENTY));
      assert.equal(
        (await store.reserve(sample('t-settle', BOB), decision(budget, PLENTY))).outcome,
        'over-budget',
      );
      const txHash = `0x${'1a'.repeat(32)}`;
      const sent = await store.markSent(a.digest, txHash);
      assert.ok(sent);
      assert.equal(sent.state, 'sent');
      assert.equal(sent.txHash, txHash);
      const receipt = { txHash, gasUsed: 40_000n, effectiveGasPrice: 3n * GWEI, succeeded: false };
      const settled = await store.settle(a.digest, receipt);
      assert.ok(settled);
      assert.equal(settled.state, 'settled');
      assert.equal(settled.chargedWei, 120_000n * GWEI);
      assert.equal(settled.succeeded, false);
      assert.deepEqual(
        await store.settle(a.digest, receipt),
        settled,
        'settling again with the same receipt',
      );
      assert.equal(await store.settle(a.digest, { ...receipt, txHash: `0x${'2b'.repeat(32)}` }), null);
      assert.deepEqual(await store.spending('t-settle', PERIOD), { wei: WORST + 120_000n * GWEI, count: 2 });
      // 0.00088 ETH freed: still less than another worst case, so refused; settling b frees enough.
      assert.equal(
        (await store.reserve(sample('t-settle', BOB), decision(budget, PLENTY))).outcome,
        'over-budget',
      );
      await store.settle(b.digest, {
        txHash: `0x${'3c'.repeat(32)}`,
        gasUsed: 1n,
        effectiveGasPrice: 1n,
        succeeded: true,
      });
      assert.equal(
        (await store.reserve(sample('t-settle', BOB), decision(budget, PLENTY))).outcome,
        'accepted',
      );
    });

    it('releases unsent reservations past their deadline, and only those', async () => {
      const budget: Budget = { wei: 2n * WORST, count: 10 };
      const expiring = sample('t-release', ALICE, { deadline: PERIOD + 100n });
      const sentOne = sample('t-release', ALICE, { deadline: PERIOD + 100n });
      const later = sample('t-release', BOB, { deadline: PERIOD + 10_000n });
      for (const s of [expiring, sentOne]) await store.reserve(s, decision(budget, PLENTY));
      await store.markSent(sentOne.digest, `0x${'4d'.repeat(32)}`);
      assert.equal((await store.reserve(later, decision(budget, PLENTY))).outcome, 'over-budget');
      const released = await store.releaseExpired(PERIOD + 101n);
      assert.ok(released.includes(expiring.digest));
      assert.ok(
        !released.includes(sentOne.digest),
        'a sent transaction may still be mined: it is settled, not released',
      );
      assert.equal((await store.get(expiring.digest))?.state, 'released');
      assert.equal(await store.markSent(expiring.digest, `0x${'5e'.repeat(32)}`), null);
      assert.equal((await store.reserve(later, decision(budget, PLENTY))).outcome, 'accepted');
      assert.deepEqual(await store.releaseExpired(PERIOD + 101n), []);
    });

    it('unsettles a settled sponsorship whose block was reorganized away, and settles it again', async () => {
      const one = sample('t-reorg', ALICE);
      await store.reserve(one, decision(PLENTY, PLENTY));
      const first = `0x${'6f'.repeat(32)}`;
      await store.markSent(one.digest, first);
      await store.settle(one.digest, {
        txHash: first,
        gasUsed: 50_000n,
        effectiveGasPrice: GWEI,
        succeeded: true,
      });
      assert.equal(await store.unsettle(one.digest, `0x${'70'.repeat(32)}`), null, 'another transaction');
      const back = await store.unsettle(one.digest, first);
      assert.ok(back);
      assert.equal(back.state, 'sent');
      assert.equal(back.chargedWei, null);
      assert.equal(back.succeeded, null);
      assert.equal(await store.unsettle(one.digest, first), null, 'already unsettled');
      assert.deepEqual(await store.spending('t-reorg', PERIOD), { wei: WORST, count: 1 }, 'held again');
      const replacement = `0x${'71'.repeat(32)}`;
      const again = await store.settle(one.digest, {
        txHash: replacement,
        gasUsed: 50_000n,
        effectiveGasPrice: 2n * GWEI,
        succeeded: true,
      });
      assert.ok(again);
      assert.equal(again.chargedWei, 100_000n * GWEI);
      assert.equal(again.txHash, replacement);
    });

    it('lists reserved sponsorships for a sender: its tenants or all but some, unexpired, oldest first', async () => {
      const [a, b, c] = ['t-list-a', 't-list-b', 't-list-c'];
      const older = sample(a, ALICE, { acceptedAt: PERIOD + 1n });
      const newer = sample(a, BOB, { acceptedAt: PERIOD + 2n });
      const expired = sample(a, BOB, { deadline: PERIOD + 10n });
      const sent = sample(a, ALICE);
      const other = sample(b, ALICE);
      const third = sample(c, ALICE);
      for (const s of [newer, older, expired, sent, other, third])
        await store.reserve(s, decision(PLENTY, PLENTY));
      await store.markSent(sent.digest, `0x${'72'.repeat(32)}`);
      const digests = async (query: Parameters<SponsorshipStore['listReserved']>[0]) =>
        (await store.listReserved(query)).map((r) => r.digest);
      assert.deepEqual(await digests({ tenants: { only: [a] }, notBefore: PERIOD + 100n, limit: 10 }), [
        older.digest,
        newer.digest,
      ]);
      assert.deepEqual(await digests({ tenants: { only: [a] }, notBefore: PERIOD + 100n, limit: 1 }), [
        older.digest,
      ]);
      const rest = await digests({ tenants: { except: [a, c] }, notBefore: PERIOD + 100n, limit: 1000 });
      assert.ok(rest.includes(other.digest));
      assert.ok(!rest.includes(third.digest) && !rest.includes(older.digest));
    });

    it('accepts exactly as many of N concurrent requests as the budget’s reservations allow', async () => {
      const budget: Budget = { wei: 7n * WORST, count: 1000 };
      const requests = Array.from({ length: 40 }, (_, i) => sample('t-race', i % 2 === 0 ? ALICE : BOB));
      const outcomes = await Promise.all(requests.map((r) => store.reserve(r, decision(budget, PLENTY))));
      assert.equal(outcomes.filter((o) => o.outcome === 'accepted').length, 7);
      assert.equal(outcomes.filter((o) => o.outcome === 'over-budget').length, 33);
      assert.deepEqual(await store.spending('t-race', PERIOD), { wei: 7n * WORST, count: 7 });
    });

    it('lets one of N concurrent replays of one digest in, and answers the others with its record', async () => {
      const one = sample('t-race-replay', ALICE);
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, () => store.reserve(one, decision(PLENTY, PLENTY))),
      );
      assert.equal(outcomes.filter((o) => o.outcome === 'accepted').length, 1);
      assert.equal(outcomes.filter((o) => o.outcome === 'replay').length, 9);
      assert.deepEqual(await store.spending('t-race-replay', PERIOD), { wei: WORST, count: 1 });
    });
  });
}
