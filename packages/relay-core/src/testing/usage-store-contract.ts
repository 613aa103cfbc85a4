/**
 * The UsageStore contract, run against the in-memory test double and the PostgreSQL store: rows
 * added in batches sum per tenant and day, are read back per tenant or for all within a range of
 * days, and the report counts a tenant's receipts of the period per indexed batch, never another
 * tenant's, with those in no batch yet apart.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { UsageStore } from '../quotas/usage-store.ts';

export interface UsageStoreSeed {
  /** As if the relay had accepted `cid` for the tenant at `acceptedAt` (RFC 3339 UTC). */
  receipt: (tenantId: string, cid: string, acceptedAt: string) => Promise<void>;
  /** As if the parser had indexed batch-file `cid` (sequence on platform) holding `entries`. */
  batch: (platform: string, sequence: number, cid: string, entries: string[]) => Promise<void>;
}

export interface UsageStoreFactory {
  create(): Promise<{ store: UsageStore; seed: UsageStoreSeed; destroy(): Promise<void> }>;
}

const counts = (files: number, bytes: number, deliveries = 0, streams = 0) => ({
  files,
  bytes,
  deliveries,
  streams,
});

export function usageStoreContract(name: string, factory: UsageStoreFactory): void {
  describe(`UsageStore contract: ${name}`, () => {
    let store: UsageStore;
    let seed: UsageStoreSeed;
    let destroy: (() => Promise<void>) | undefined;

    before(async () => {
      const created = await factory.create();
      ({ store, seed } = created);
      destroy = () => created.destroy();
    });
    after(async () => {
      await destroy?.();
    });

    it('sums batches of rows per tenant and day, and reads them by tenant and range', async () => {
      await store.add([
        { tenantId: 'acme', day: '2026-12-05', ...counts(1, 100) },
        { tenantId: 'acme', day: '2026-12-06', ...counts(2, 200, 5, 1) },
        { tenantId: 'acme', day: '2026-12-06', ...counts(1, 50) },
        { tenantId: 'zeta', day: '2026-12-06', ...counts(7, 7_000_000_000) },
      ]);
      await store.add([{ tenantId: 'acme', day: '2026-12-06', ...counts(0, 0, 3, 2) }]);
      assert.deepEqual(await store.days('acme', '2026-12-06', '2026-12-31'), [
        { tenantId: 'acme', day: '2026-12-06', ...counts(3, 250, 8, 3) },
      ]);
      assert.deepEqual(await store.days(null, '2026-12-01', '2026-12-06'), [
        { tenantId: 'acme', day: '2026-12-05', ...counts(1, 100) },
        { tenantId: 'acme', day: '2026-12-06', ...counts(3, 250, 8, 3) },
        { tenantId: 'zeta', day: '2026-12-06', ...counts(7, 7_000_000_000) },
      ]);
      assert.deepEqual(await store.days('nobody', '2026-12-01', '2026-12-31'), []);
    });

    it("reports a tenant's receipts of the period per batch, never another tenant's", async () => {
      const cid = (n: number) => `bafkreitxfile${String(n).padStart(4, '0')}`;
      await seed.receipt('acme', cid(1), '2026-11-30T23:59:59.999Z');
      await seed.receipt('acme', cid(2), '2026-12-01T00:00:00.000Z');
      await seed.receipt('acme', cid(3), '2026-12-01T10:00:00.000Z');
      await seed.receipt('acme', cid(4), '2026-12-02T23:59:59.999Z');
      await seed.receipt('acme', cid(5), '2026-12-02T12:00:00.000Z');
      await seed.receipt('zeta', cid(6), '2026-12-01T10:00:00.000Z');
      await seed.batch('platform-a', 0, 'bafkreibatch0', [cid(1), cid(2), cid(6)]);
      await seed.batch('platform-a', 1, 'bafkreibatch1', [cid(3), cid(4)]);
      assert.deepEqual(await store.report('acme', '2026-12-01', '2026-12-02'), {
        tenantId: 'acme',
        receipts: 4,
        batches: [
          { platform: 'platform-a', sequence: 0, cid: 'bafkreibatch0', files: 1 },
          { platform: 'platform-a', sequence: 1, cid: 'bafkreibatch1', files: 2 },
        ],
        unbatched: 1,
      });
      assert.deepEqual(await store.report('zeta', '2026-12-01', '2026-12-01'), {
        tenantId: 'zeta',
        receipts: 1,
        batches: [{ platform: 'platform-a', sequence: 0, cid: 'bafkreibatch0', files: 1 }],
        unbatched: 0,
      });
    });
  });
}
