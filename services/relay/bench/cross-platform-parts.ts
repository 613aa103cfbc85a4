/**
 * The parts of one cross-platform file's latency (bench/cross-platform.ts), each measured in the
 * run rather than computed from settings: when each chain block was first seen (a watcher polling
 * the head), and the wall-clock times of B's batcher's `batch sealed` line and A's parser's
 * `peer's batch indexed` line for the file's batch.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** The parts, in order; their sum is send → delivered. */
export const PARTS = ['seal', 'anchor', 'depth', 'fetch', 'deliver'] as const;
export type Part = (typeof PARTS)[number];

/** What each part spans, for the report. */
export const PART_SPANS: Record<Part, string> = {
  seal: "sent to B's relay → batch-file sealed on B (its CID known)",
  anchor: "sealed → B's anchor transaction's block first seen",
  depth: "anchor's block → the block at A's trusted depth first seen",
  fetch: "trusted depth → A's parser indexed the batch (its poll, the fetch from B's Kubo, the checks)",
  deliver: "indexed on A → delivered on A's subscriber (A's inbound interval, the relay's publish)",
};

/** When each block number was first seen, polling the head every `everyMs`. */
export class BlockClock {
  readonly #seen = new Map<number, number>();
  readonly #stop = new AbortController();
  readonly #loop: Promise<void>;

  constructor(head: () => Promise<number>, everyMs = 25) {
    this.#loop = (async () => {
      let last = -1;
      while (!this.#stop.signal.aborted) {
        const now = await head().catch(() => last);
        // Blocks skipped between two polls are stamped with the later poll's time.
        for (let n = last + 1; n <= now; n++) this.#seen.set(n, Date.now());
        last = Math.max(last, now);
        await sleep(everyMs, undefined, { signal: this.#stop.signal }).catch(() => undefined);
      }
    })();
  }

  seenAt(block: number): number {
    const at = this.#seen.get(block);
    if (at === undefined) throw new Error(`block ${block} was never seen`);
    return at;
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
  }
}

/** The time (ms since the epoch) of the first JSON log line with message `msg` about `batchCid`. */
export function loggedAt(lines: readonly string[], msg: string, batchCid: string): number {
  for (const line of lines) {
    const entry = JSON.parse(line) as { msg?: string; batchCid?: string; time?: string };
    if (entry.msg === msg && entry.batchCid === batchCid && entry.time !== undefined) {
      return Date.parse(entry.time);
    }
  }
  throw new Error(`no "${msg}" line for batch ${batchCid}`);
}

/** One file's moments, ms since the epoch. */
export interface FileMoments {
  readonly sent: number;
  readonly sealed: number;
  readonly mined: number;
  readonly trusted: number;
  readonly indexed: number;
  readonly delivered: number;
}

export function partsOf(m: FileMoments): Record<Part | 'total', number> {
  return {
    seal: m.sealed - m.sent,
    anchor: m.mined - m.sealed,
    depth: m.trusted - m.mined,
    fetch: m.indexed - m.trusted,
    deliver: m.delivered - m.indexed,
    total: m.delivered - m.sent,
  };
}
