/**
 * Counts tenants' usage in memory and adds it to the UsageStore in one batch every `flushMs`
 * (and on close), so usage costs no database write per file. A failed flush keeps its counts for
 * the next one; a replica that dies loses at most one interval of counts (the receipts, which
 * the usage report counts, are never lost).
 */
import type { UsageCounts, UsageDay, UsageStore } from './usage-store.ts';
import { utcDay } from './token-bucket.ts';

export interface UsageMeterOptions {
  store: UsageStore;
  flushMs: number;
  clock?: () => Date;
  /** Each count as it happens (metrics). */
  onCount?(tenantId: string, counts: Partial<UsageCounts>): void;
  onFlushError?(error: unknown): void;
}

export class UsageMeter {
  readonly #options: UsageMeterOptions;
  readonly #clock: () => Date;
  #pending = new Map<string, UsageDay>();
  readonly #timer: NodeJS.Timeout;
  #flushing: Promise<void> = Promise.resolve();

  constructor(options: UsageMeterOptions) {
    this.#options = options;
    this.#clock = options.clock ?? (() => new Date());
    this.#timer = setInterval(() => {
      void this.flush().catch((error: unknown) => options.onFlushError?.(error));
    }, options.flushMs);
    this.#timer.unref();
  }

  count(tenantId: string, counts: Partial<UsageCounts>): void {
    const day = utcDay(this.#clock());
    const key = `${tenantId}\n${day}`;
    let row = this.#pending.get(key);
    if (row === undefined) {
      row = { tenantId, day, files: 0, bytes: 0, deliveries: 0, streams: 0 };
      this.#pending.set(key, row);
    }
    row.files += counts.files ?? 0;
    row.bytes += counts.bytes ?? 0;
    row.deliveries += counts.deliveries ?? 0;
    row.streams += counts.streams ?? 0;
    this.#options.onCount?.(tenantId, counts);
  }

  /** Writes what was counted so far; flushes run one after another. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.catch(() => undefined).then(() => this.#flushOnce());
    return this.#flushing;
  }

  async #flushOnce(): Promise<void> {
    if (this.#pending.size === 0) return;
    const rows = [...this.#pending.values()];
    this.#pending = new Map();
    try {
      await this.#options.store.add(rows);
    } catch (error) {
      // Put the counts back (adding to what was counted meanwhile) for the next flush.
      for (const row of rows) {
        const { tenantId, day, ...counts } = row;
        const key = `${tenantId}\n${day}`;
        const now = this.#pending.get(key);
        if (now === undefined) this.#pending.set(key, row);
        else
          for (const name of ['files', 'bytes', 'deliveries', 'streams'] as const) now[name] += counts[name];
      }
      throw error;
    }
  }

  /** Stops the timer and writes what is left. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
  }
}
