/**
 * The QuotaStore contract, run against the in-memory test double and the PostgreSQL store
 * (embedded PGlite, and a real server when one is given): a bucket starts full, grants whole
 * tokens up to its capacity, refills with time and says when the next token comes; concurrent
 * takers never get more than the bucket holds; a day's bytes are never granted beyond its limit;
 * stream leases are capped per tenant, released on close, and ignored once expired.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { QuotaStore } from '../quotas/quota-store.ts';

export interface QuotaStoreFactory {
  /** A new, empty store and how to dispose of it. */
  create(): Promise<{ store: QuotaStore; destroy(): Promise<void> }>;
}

export function quotaStoreContract(name: string, factory: QuotaStoreFactory): void {
  describe(`QuotaStore contract: ${name}`, () => {
    let store: QuotaStore;
    let destroy: (() => Promise<void>) | undefined;

    before(async () => {
      const created = await factory.create();
      store = created.store;
      destroy = () => created.destroy();
    });
    after(async () => {
      await destroy?.();
    });

    it('grants a full bucket, then none with the time to the next token, then refills', async () => {
      assert.deepEqual(await store.takeFileTokens('bucket', 3, 4), { granted: 3, retryAfterMs: 0 });
      assert.equal((await store.takeFileTokens('bucket', 3, 4)).granted, 1);
      const empty = await store.takeFileTokens('bucket', 1, 4);
      assert.equal(empty.granted, 0);
      assert.ok(empty.retryAfterMs > 0 && empty.retryAfterMs <= 250, `retry after ${empty.retryAfterMs}`);
      await sleep(empty.retryAfterMs + 30);
      assert.equal((await store.takeFileTokens('bucket', 1, 4)).granted, 1);
      assert.equal((await store.takeFileTokens('other', 9, 2)).granted, 2, 'tenants have their own buckets');
    });

    it('never grants concurrent takers more than the bucket holds and refills', async () => {
      const started = performance.now();
      const leases = await Promise.all(Array.from({ length: 20 }, () => store.takeFileTokens('race', 1, 5)));
      const elapsedMs = performance.now() - started;
      const total = leases.reduce((sum, lease) => sum + lease.granted, 0);
      // The store's clock starts the bucket a little before ours can: one more token of slack.
      assert.ok(
        total >= 5 && total <= 5 + Math.floor((5 * elapsedMs) / 1000) + 1,
        `${total} in ${elapsedMs} ms`,
      );
    });

    it("never grants more of a day's bytes than its limit, and keeps days apart", async () => {
      const takes = await Promise.all(
        Array.from({ length: 10 }, () => store.takeDayBytes('bytes', '2026-12-06', 300, 1_000)),
      );
      assert.equal(
        takes.reduce((sum, bytes) => sum + bytes, 0),
        1_000,
      );
      assert.equal(await store.takeDayBytes('bytes', '2026-12-06', 1, 1_000), 0);
      assert.equal(await store.takeDayBytes('bytes', '2026-12-07', 5_000_000_000, 2 ** 40), 5_000_000_000);
      assert.equal(
        await store.takeDayBytes('bytes', '2026-12-06', 10, 1_010),
        10,
        'a raised limit grants more',
      );
    });

    it('caps open streams per tenant, frees a slot on close and when a lease expires', async () => {
      assert.equal(await store.openStream('streams', 'lease-a', 'r1', 60_000, 2), true);
      assert.equal(await store.openStream('streams', 'lease-b', 'r2', 150, 2), true);
      assert.equal(await store.openStream('streams', 'lease-c', 'r1', 60_000, 2), false);
      assert.equal(await store.openStream('others', 'lease-d', 'r1', 60_000, 1), true, 'per tenant');
      await store.closeStream('lease-a');
      await store.closeStream('lease-a');
      assert.equal(await store.openStream('streams', 'lease-c', 'r1', 60_000, 2), true);
      assert.equal(await store.openStream('streams', 'lease-e', 'r1', 60_000, 2), false);
      await sleep(200);
      assert.equal(await store.openStream('streams', 'lease-e', 'r1', 60_000, 2), true, 'lease-b expired');
    });

    it('keeps a renewed lease past its first expiry', async () => {
      assert.equal(await store.openStream('renewed', 'lease-r', 'r1', 150, 1), true);
      await sleep(80);
      await store.renewStreams(['lease-r', 'no-such-lease'], 60_000);
      await sleep(120);
      assert.equal(await store.openStream('renewed', 'lease-s', 'r1', 150, 1), false);
    });
  });
}
