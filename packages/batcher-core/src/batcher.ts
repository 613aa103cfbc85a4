/**
 * The batcher's domain logic: turns `anchorpost.tx-file.accepted.v1` into hash-chained batch-files.
 *
 * A seal: read the chain state (last `batch.sealed` of the platform), choose the cut (batch-cut.ts),
 * stream the entries through the protocol's encoder into the store block by block, pin the root
 * recursively (which keeps every tx-file), and announce `batch.sealed` unless the topic already
 * holds this sequence. Everything a batch holds comes from bus records, so re-running after a crash
 * at any step rebuilds the same blocks (puts and pins are idempotent) and announces once.
 */
import type { Bus } from '@anchorpost/bus';
import { batchSealed, TX_FILE_ACCEPTED_TOPIC } from '@anchorpost/events';
import type { BatchSealed } from '@anchorpost/events';
import {
  CID_BYTE_LENGTH,
  cidBytesToText,
  decodeBatchPage,
  decodeBatchRoot,
  toHex,
  writeBatchFile,
} from '@anchorpost/protocol';
import type { BatchHeader } from '@anchorpost/protocol';
import type { ContentStore } from '@anchorpost/storage';
import { readLastBatchSealed } from './batch-chain-state.ts';
import { chooseBatchCut, nextOffset } from './batch-cut.ts';
import { BatcherError, BatcherErrorCode } from './batcher-error.ts';
import { resolveBatcherOptions } from './batcher-options.ts';
import type { BatcherOptions, ResolvedBatcherOptions } from './batcher-options.ts';
import { CidSet } from './cid-set.ts';

export class Batcher {
  readonly #options: ResolvedBatcherOptions;
  readonly #bus: Bus;
  readonly #store: ContentStore;
  /** Serializes runOnce/sealNow and the loop: one seal at a time per instance. */
  #queue: Promise<unknown> = Promise.resolve();
  #intervalStart: number;
  #running = false;
  #timer: unknown = undefined;
  #tick: Promise<void> = Promise.resolve();

  constructor(options: BatcherOptions) {
    this.#options = resolveBatcherOptions(options);
    this.#bus = this.#options.bus;
    this.#store = this.#options.store;
    this.#intervalStart = this.#options.clock.now();
  }

  /**
   * Seals one batch if one is due: `maxFiles` records are waiting, or `intervalMs` has passed since
   * the last seal (or start) and at least one record is waiting. Returns the announced event, or
   * null when nothing was due or every waiting record was a duplicate.
   */
  runOnce(): Promise<BatchSealed | null> {
    return this.#serialized(() => this.#runOnce());
  }

  /** Seals whatever is waiting now (up to `maxFiles`), due or not. Null when nothing is waiting. */
  sealNow(): Promise<BatchSealed | null> {
    return this.#serialized(async () => {
      const last = await readLastBatchSealed(this.#bus, this.#options.platform);
      const ends = await this.#bus.endOffsets(TX_FILE_ACCEPTED_TOPIC);
      const sealed = await this.#seal(last, ends);
      if (sealed !== null) this.#intervalStart = this.#options.clock.now();
      return sealed;
    });
  }

  /** Starts the loop: a check every `tickMs`, sealing back to back while full batches are waiting. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#intervalStart = this.#options.clock.now();
    this.#schedule();
  }

  /** Stops the loop and waits for a seal in progress to finish. Idempotent. */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer !== undefined) this.#options.clock.clearTimer(this.#timer);
    this.#timer = undefined;
    await this.#tick;
  }

  #schedule(): void {
    this.#timer = this.#options.clock.setTimer(() => {
      this.#timer = undefined;
      this.#tick = this.#runTick();
    }, this.#options.tickMs);
  }

  async #runTick(): Promise<void> {
    try {
      for (;;) {
        const sealed = await this.runOnce();
        // A full batch means more may be waiting: seal again at once rather than a tick later.
        if (sealed === null || sealed.count < this.#options.maxFiles || !this.#running) break;
      }
    } catch (error) {
      this.#options.observer.onError?.(error);
    }
    if (this.#running) this.#schedule();
  }

  #serialized<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(work);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async #runOnce(): Promise<BatchSealed | null> {
    const { clock, intervalMs, maxFiles, observer, platform } = this.#options;
    const now = clock.now();
    const last = await readLastBatchSealed(this.#bus, platform);
    const ends = await this.#bus.endOffsets(TX_FILE_ACCEPTED_TOPIC);
    const sealedOffsets = last?.sealedOffsets ?? {};
    let backlog = 0;
    for (const [partition, end] of ends.entries())
      backlog += Math.max(0, end - nextOffset(sealedOffsets, partition));
    observer.onBacklog?.(backlog);
    if (backlog === 0) {
      // An empty interval seals nothing; the next interval starts now.
      if (now - this.#intervalStart >= intervalMs) this.#intervalStart = now;
      return null;
    }
    if (backlog < maxFiles && now - this.#intervalStart < intervalMs) return null;
    const sealed = await this.#seal(last, ends);
    this.#intervalStart = now;
    return sealed;
  }

  async #seal(last: BatchSealed | null, ends: readonly number[]): Promise<BatchSealed | null> {
    const { clock, maxFiles, observer, platform } = this.#options;
    const started = clock.now();
    const cut = await chooseBatchCut({
      bus: this.#bus,
      sealedOffsets: last?.sealedOffsets ?? {},
      endOffsets: ends,
      maxFiles,
      sealedBefore: await this.#lastPageEntries(last),
      observer,
    });
    if (cut.count === 0) return null;

    const header: BatchHeader = {
      platform,
      sequence: last === null ? 0 : last.sequence + 1,
      previous: last === null ? null : last.batchCid,
      sealedAt: cut.sealedAt,
    };
    const entries = function* (): Generator<string> {
      for (let i = 0; i < cut.count; i += 1)
        yield cidBytesToText(cut.entries.subarray(i * CID_BYTE_LENGTH, (i + 1) * CID_BYTE_LENGTH));
    };
    const rootBlock = await writeBatchFile(header, entries(), (block) =>
      this.#store.putBlock(block.cid, block.bytes),
    );
    const batchCid = rootBlock.cid.toString();
    await this.#store.pin(batchCid, { recursive: true });

    const event: BatchSealed = {
      platform,
      sequence: header.sequence,
      batchCid,
      previousCid: last === null ? null : last.batchCid,
      merkleRoot: toHex(rootBlock.root.merkleRoot),
      count: cut.count,
      sealedAt: cut.sealedAt,
      sealedOffsets: cut.sealedOffsets,
    };
    const announced = await this.#announce(event, last);
    observer.onBatchSealed?.(event, { durationMs: clock.now() - started, announced });
    return event;
  }

  /** Publishes `batch.sealed` unless the topic already holds this sequence; never twice. */
  async #announce(event: BatchSealed, last: BatchSealed | null): Promise<boolean> {
    const current = await readLastBatchSealed(this.#bus, event.platform);
    if (current !== null && current.sequence === event.sequence && current.batchCid === event.batchCid)
      return false;
    if ((current?.sequence ?? -1) !== (last?.sequence ?? -1) || current?.batchCid !== last?.batchCid) {
      throw new BatcherError(
        BatcherErrorCode.SequenceConflict,
        `batch ${event.sequence} of ${event.platform}: the chain moved to sequence ${current?.sequence ?? 'none'} while sealing`,
        true,
      );
    }
    await this.#bus.publish(batchSealed.topic, [
      { key: batchSealed.key(event), value: batchSealed.encode(event) },
    ]);
    return true;
  }

  /**
   * The previous batch's last page (up to 16,384 CIDs): a tx-file re-published around a seal (a
   * relay retry) lands right after it, so it is the cheap place to look for cross-batch repeats.
   */
  async #lastPageEntries(last: BatchSealed | null): Promise<CidSet> {
    if (last === null) return new CidSet(0);
    const root = decodeBatchRoot(await this.#store.getBlock(last.batchCid));
    if (root.sequence !== last.sequence || root.platform !== last.platform) {
      throw new BatcherError(
        BatcherErrorCode.BadState,
        `batch ${last.batchCid} is not batch ${last.sequence} of ${last.platform}`,
        false,
      );
    }
    const lastPage = root.pages.at(-1);
    if (lastPage === undefined) return new CidSet(0);
    const page = decodeBatchPage(await this.#store.getBlock(lastPage));
    const set = new CidSet(page.entries.length);
    for (const entry of page.entries) set.add(entry.bytes);
    return set;
  }
}
