// TenantQuotas over the in-memory QuotaStore test double: files per second and bytes per day are
// spent from leased slices with no store call per file, refusals carry a Retry-After and are
// remembered (no store call while refused), plans and overrides apply, and a Relay refuses an
// over-quota file before storing anything while a retry of an accepted file costs nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cidForBytes } from '@anchorpost/protocol';
import { RelayError, RelayErrorCode } from '../src/relay-error.ts';
import { PLAN_NAMES, TenantQuotas, type PlanTable, type TenantPlan } from '../src/quotas/index.ts';
import { MemoryQuotaStore } from '../src/testing/index.ts';
import { newGroup, openFixture, TENANT, txFileBytes, type Fixture } from './relay-fixture.ts';

const PLANS: PlanTable = {
  free: { filesPerSecond: 2, bytesPerDay: 10_000, maxStreams: 1, maxFileBytes: 4_096 },
  pro: { filesPerSecond: 1_000, bytesPerDay: 1_000_000_000, maxStreams: 100, maxFileBytes: 1_048_576 },
};

function quotas(plan: TenantPlan, clock: () => Date) {
  const store = new MemoryQuotaStore(clock);
  const plans = new Map([[TENANT, plan]]);
  const engine = new TenantQuotas({
    store,
    plans: PLANS,
    planOf: (tenantId) => Promise.resolve(plans.get(tenantId) ?? null),
    cacheTtlMs: 1_000,
    clock,
  });
  return { store, engine, plans };
}

describe('TenantQuotas', () => {
  it('spends leased slices: a thousand files cost a handful of store calls', async () => {
    let now = Date.parse('2026-12-06T12:00:00.000Z');
    const { store, engine } = quotas({ plan: 'pro', overrides: {} }, () => new Date(now));
    for (let i = 0; i < 1_000; i += 1) {
      await engine.admit(TENANT, 500);
      now += 1; // 1,000 files per second: exactly the pro rate
    }
    // One token lease per 100 files (a tenth of a second), one byte lease per hundredth of the day.
    assert.ok(store.calls <= 12, `${store.calls} store calls for 1,000 files`);
  });

  it('refuses files over the rate with RATE_LIMITED and a Retry-After, without asking the store again', async () => {
    let now = Date.parse('2026-12-06T12:00:00.000Z');
    const { store, engine } = quotas({ plan: 'free', overrides: {} }, () => new Date(now));
    await engine.admit(TENANT, 10);
    await engine.admit(TENANT, 10);
    const refusal = await engine.admit(TENANT, 10).then(
      () => assert.fail('a third file in the same instant passed'),
      (error: unknown) => error as { code: string; kind: string; retryable: boolean; retryAfterMs: number },
    );
    assert.equal(refusal.code, 'RATE_LIMITED');
    assert.equal(refusal.kind, 'exhausted');
    assert.equal(refusal.retryable, true);
    assert.equal(refusal.retryAfterMs, 500);
    const calls = store.calls;
    for (let i = 0; i < 50; i += 1) await assert.rejects(engine.admit(TENANT, 10), { code: 'RATE_LIMITED' });
    assert.equal(store.calls, calls, 'a refused tenant costs no store call until its Retry-After');
    now += 500;
    await engine.admit(TENANT, 10);
  });

  it("refuses bytes over the day's limit until the next UTC day", async () => {
    let now = Date.parse('2026-12-06T23:00:00.000Z');
    const { engine } = quotas({ plan: 'free', overrides: { filesPerSecond: 1_000 } }, () => new Date(now));
    for (let i = 0; i < 10; i += 1) await engine.admit(TENANT, 1_000);
    await assert.rejects(engine.admit(TENANT, 1), (error: { code: string; retryAfterMs: number }) => {
      assert.equal(error.code, 'DAILY_BYTES_EXHAUSTED');
      assert.equal(error.retryAfterMs, 3_600_000);
      return true;
    });
    now += 3_600_000;
    await engine.admit(TENANT, 1_000);
  });

  it("checks the file size against the tenant's plan and overrides, and sees a plan change after the cache TTL", async () => {
    let now = Date.parse('2026-12-06T12:00:00.000Z');
    const { engine, plans } = quotas({ plan: 'free', overrides: {} }, () => new Date(now));
    await engine.checkSize(TENANT, 4_096);
    await assert.rejects(engine.checkSize(TENANT, 4_097), { code: 'TOO_LARGE', field: 'maxFileBytes' });
    plans.set(TENANT, { plan: 'free', overrides: { maxFileBytes: 8_192 } });
    await assert.rejects(engine.checkSize(TENANT, 4_097), { code: 'TOO_LARGE' }, 'cached within the TTL');
    now += 1_000;
    await engine.checkSize(TENANT, 8_192);
    assert.deepEqual(PLAN_NAMES, ['free', 'pro']);
  });
});

describe('Relay with quotas', () => {
  let f: Fixture;
  const admitted: number[] = [];

  before(async () => {
    f = await openFixture({
      quotas: {
        checkSize: () => Promise.resolve(),
        admit: (_tenantId, bytes) => {
          admitted.push(bytes);
          return admitted.length > 1
            ? Promise.reject(new RelayError(RelayErrorCode.RateLimited, 'over the rate', { retryAfterMs: 1 }))
            : Promise.resolve();
        },
      },
    });
  });
  after(async () => {
    await f.close();
  });

  it('refuses an over-quota file before storing or receipting it, and charges no retry of an accepted one', async () => {
    const group = await newGroup(f.sender);
    const first = txFileBytes(group, f.sender, f.app, 'first');
    const accepted = await f.relay.submit(first, { tenantId: TENANT });
    assert.equal(accepted.duplicate, false);
    const again = await f.relay.submit(first, { tenantId: TENANT });
    assert.deepEqual(again, { receipt: accepted.receipt, duplicate: true });
    assert.equal(admitted.length, 1, 'the retry was not charged');

    const records = await f.busRecords();
    const second = txFileBytes(group, f.sender, f.app, 'second');
    await assert.rejects(f.relay.submit(second, { tenantId: TENANT }), { code: 'RATE_LIMITED' });
    assert.equal(admitted.length, 2);
    assert.equal(await f.busRecords(), records, 'nothing published');
    assert.equal(await f.receipts.get(await cidForBytes(second)), null, 'no receipt');
    assert.equal(await f.relay.getReceipt(accepted.receipt.cid).then((r) => r?.cid), accepted.receipt.cid);
    assert.equal(
      (await f.receipts.get(accepted.receipt.cid))?.tenantId,
      TENANT,
      'the receipt records its tenant',
    );
  });
});
