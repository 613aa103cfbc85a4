/**
 * A TEST DOUBLE of the UsageStore in memory. Receipts and batches, which the PostgreSQL store reads
 * from the relay's receipts and the parser's index, are given to it with `receipt` and `batch`.
 */
import type { UsageDay, UsageReport, UsageStore } from '../quotas/usage-store.ts';

export class MemoryUsageStore implements UsageStore {
  readonly #days = new Map<string, UsageDay>();
  readonly #receipts: { tenantId: string; cid: string; acceptedAt: string }[] = [];
  readonly #batches: { platform: string; sequence: number; cid: string; entries: string[] }[] = [];

  /** As if the relay had accepted `cid` for the tenant at `acceptedAt` (RFC 3339). */
  receipt(tenantId: string, cid: string, acceptedAt: string): void {
    this.#receipts.push({ tenantId, cid, acceptedAt });
  }

  /** As if the parser had indexed a batch-file holding `entries` (tx-file CIDs). */
  batch(platform: string, sequence: number, cid: string, entries: string[]): void {
    this.#batches.push({ platform, sequence, cid, entries: [...entries] });
  }

  add(rows: readonly UsageDay[]): Promise<void> {
    for (const row of rows) {
      const key = `${row.tenantId}\n${row.day}`;
      const day = this.#days.get(key) ?? { ...row, files: 0, bytes: 0, deliveries: 0, streams: 0 };
      day.files += row.files;
      day.bytes += row.bytes;
      day.deliveries += row.deliveries;
      day.streams += row.streams;
      this.#days.set(key, day);
    }
    return Promise.resolve();
  }

  days(tenantId: string | null, from: string, to: string): Promise<UsageDay[]> {
    return Promise.resolve(
      [...this.#days.values()]
        .filter((row) => (tenantId === null || row.tenantId === tenantId) && row.day >= from && row.day <= to)
        .sort((a, b) => a.tenantId.localeCompare(b.tenantId) || a.day.localeCompare(b.day))
        .map((row) => ({ ...row })),
    );
  }

  report(tenantId: string, from: string, to: string): Promise<UsageReport> {
    const cids = new Set(
      this.#receipts
        .filter(
          (r) =>
            r.tenantId === tenantId && r.acceptedAt.slice(0, 10) >= from && r.acceptedAt.slice(0, 10) <= to,
        )
        .map((r) => r.cid),
    );
    const batched = new Set<string>();
    const batches = this.#batches
      .map(({ platform, sequence, cid, entries }) => {
        const mine = entries.filter((entry) => cids.has(entry));
        for (const entry of mine) batched.add(entry);
        return { platform, sequence, cid, files: mine.length };
      })
      .filter((batch) => batch.files > 0)
      .sort((a, b) => a.platform.localeCompare(b.platform) || a.sequence - b.sequence);
    return Promise.resolve({ tenantId, receipts: cids.size, batches, unbatched: cids.size - batched.size });
  }
}
