/**
 * The batcher's domain logic: turns `anchorpost.tx-file.accepted.v1` into hash-chained batch-files.
 *
 * A seal: read the chain state (last `batch.sealed` of the platform), choose the cut (batch-cut.ts:
 * every record checked — CID of its bytes, receipt signed by a trusted relay — the others refused),
 * stream the entries through the protocol's encoder into the store block by block, pin the root
 * recursively (which keeps every tx-file; if that fails, find the files at fault and cut again,
 * with them re-added from their records or refused), dead-letter the refused records and announce
 * `batch.sealed` unless the topic already holds this sequence. Every storage call has a time
 * limit (ADR 0016). Everything a batch holds comes from bus records, so re-running after a crash at
 * any step rebuilds the same blocks (puts and pins are idempotent) and announces once.
 */
import type { Bus } from '@anchorpost/bus-port';
import { batchSealed, TX_FILE_ACCEPTED_TOPIC } from '@anchorpost/events';
import type { BatchSealed } from '@anchorpost/events';
import {
  CID_BYTE_LENGTH,
  CidSet,
  cidBytesToText,
  decodeBatchPage,
  decodeBatchRoot,
  toHex,
  writeBatchFile,
} from '@anchorpost/protocol';
import type { BatchHeader } from '@anchorpost/protocol';
import { isStorageError, StorageErrorCode } from '@anchorpost/storage-port';
import type { ContentStore } from '@anchorpost/storage-port';
import { readLastBatchSealed } from './batch-chain-state.ts';
import { chooseBatchCut, nextOffset } from './batch-cut.ts';
import { BatcherError, BatcherErrorCode } from './batcher-error.ts';
import { resolveBatcherOptions, ROOT_PIN_MS_PER_FILE } from './batcher-options.ts';
import type { BatcherOptions, ResolvedBatcherOptions } from './batcher-options.ts';
import type { RecordRefusal } from './record-refusal.ts';
import { batcherLetterGroup, publishRefusals, TX_FILE_ACCEPTED_DLQ_TOPIC } from './refused-record-letters.ts';
import { withDeadline } from './storage-deadline.ts';
import { ReceiptSignatureChecks } from './receipt-signatures.ts';
import { findUnpinnable, probeStore } from './tx-file-custody.ts';

/**
 * Announcements through one bus handle, one at a time. Batchers in one process (tests, a twin
 * started by mistake) then announce a sequence once; across processes the batcher is one replica.
 */
const announcing = new WeakMap<Bus, Promise<unknown>>();

/** Seal attempts within one run when root pins fail on files at fault: then the error stands. */
const MAX_SEAL_ROUNDS = 3;

/** The batch's CIDs as text, in order, from their 36-byte forms. */
function* entryCids(entries: Uint8Array, count: number): Generator<string> {
  for (let i = 0; i < count; i += 1)
    yield cidBytesToText(entries.subarray(i * CID_BYTE_LENGTH, (i + 1) * CID_BYTE_LENGTH));
}

export class Batcher {
  readonly #options: ResolvedBatcherOptions;
  readonly #bus: Bus;
  readonly #store: ContentStore;
  readonly #signatures: ReceiptSignatureChecks;
  /** Serializes runOnce/sealNow and the loop: one seal at a time per instance. */
  #queue: Promise<unknown> = Promise.resolve();
  #intervalStart: number;
  #running = false;
  #timer: unknown = undefined;
  #tick: Promise<void> = Promise.resolve();
  /** The chain state and end offsets of the last due seal that found nothing to seal. */
  #nothingSealableAt: string | undefined;

  constructor(options: BatcherOptions) {
    this.#options = resolveBatcherOptions(options);
    this.#bus = this.#options.bus;
    this.#store = this.#options.store;
    this.#signatures = new ReceiptSignatureChecks(this.#options.receiptCheckThreads);
    this.#intervalStart = this.#options.clock.now();
  }

  /** The ids (`relayKeyId`) of the relay keys whose receipts this batcher accepts. */
  get relayKeyIds(): string[] {
    return this.#options.relayKeys.ids;
  }

  /**
   * Seals one batch if one is due: `maxFiles` records are waiting, or `intervalMs` has passed since
   * the last seal (or start) and at least one record is waiting. Returns the announced event, or
   * null when nothing was due or every waiting record was a duplicate or refused.
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

  /**
   * Stops the loop, waits for a seal in progress to finish and stops the receipt check threads
   * (a later seal starts them again). Idempotent.
   */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer !== undefined) this.#options.clock.clearTimer(this.#timer);
    this.#timer = undefined;
    await this.#tick;
    await this.#serialized(() => this.#signatures.close());
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
    // Only repeats or refused records wait, and nothing new came since they were found so: a full
    // backlog of them would otherwise be re-checked on every tick.
    const position = JSON.stringify([last?.sequence ?? null, last?.batchCid ?? null, ends]);
    if (position === this.#nothingSealableAt) {
      this.#intervalStart = now;
      return null;
    }
    const sealed = await this.#seal(last, ends);
    this.#nothingSealableAt = sealed === null ? position : undefined;
    this.#intervalStart = now;
    return sealed;
  }

  async #seal(last: BatchSealed | null, ends: readonly number[]): Promise<BatchSealed | null> {
    const { clock, maxFiles, observer, platform, pinTimeoutMs } = this.#options;
    const started = clock.now();
    const sealedBefore = await this.#lastPageEntries(last);
    // Files found at fault when a root pin failed: the next round pins them one by one.
    const suspects = new Set<string>();
    for (let round = 1; ; round += 1) {
      const cut = await chooseBatchCut({
        bus: this.#bus,
        store: this.#store,
        sealedOffsets: last?.sealedOffsets ?? {},
        endOffsets: ends,
        maxFiles,
        sealedBefore,
        relayKeys: this.#options.relayKeys,
        signatures: this.#signatures,
        pinTimeoutMs,
        suspects,
        observer,
      });
      // Refused records wait with the repeats for a batch that covers them (a batch is never empty).
      if (cut.count === 0) return null;

      const header: BatchHeader = {
        platform,
        sequence: last === null ? 0 : last.sequence + 1,
        previous: last === null ? null : last.batchCid,
        sealedAt: cut.sealedAt,
      };
      const rootBlock = await writeBatchFile(header, entryCids(cut.entries, cut.count), (block) =>
        withDeadline(`put batch block ${block.cid.toString()}`, pinTimeoutMs, (options) =>
          this.#store.putBlock(block.cid, block.bytes, options),
        ),
      );
      const batchCid = rootBlock.cid.toString();
      try {
        await withDeadline(
          `pin batch ${batchCid}`,
          pinTimeoutMs + cut.count * ROOT_PIN_MS_PER_FILE,
          (options) => this.#store.pin(batchCid, { ...options, recursive: true }),
        );
      } catch (error) {
        for (const cid of await this.#filesAtFault(error, cut.entries, cut.count, round)) suspects.add(cid);
        continue;
      }

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
      const announced = await this.#announce(event, last, cut.refusals);
      if (announced)
        for (const refusal of cut.refusals) observer.onRecordRefused?.(refusal, TX_FILE_ACCEPTED_DLQ_TOPIC);
      observer.onBatchSealed?.(event, { durationMs: clock.now() - started, announced });
      return event;
    }
  }

  /**
   * After the batch root's pin failed: the files that cannot be pinned on their own. Throws the
   * pin's error when no file is at fault (or it is not a file's kind of failure, or the rounds are
   * spent), and STORAGE_UNAVAILABLE when the store no longer answers.
   */
  async #filesAtFault(
    error: unknown,
    entries: Uint8Array,
    count: number,
    round: number,
  ): Promise<Set<string>> {
    const byFile =
      isStorageError(error, StorageErrorCode.Timeout) || isStorageError(error, StorageErrorCode.NotFound);
    if (!byFile || round >= MAX_SEAL_ROUNDS) throw error;
    const { pinTimeoutMs } = this.#options;
    const atFault = await findUnpinnable(this.#store, entryCids(entries, count), pinTimeoutMs);
    if (atFault.size === 0) throw error;
    await probeStore(this.#store, pinTimeoutMs);
    return atFault;
  }

  /**
   * Publishes `batch.sealed` unless the topic already holds this sequence; never twice. The
   * records the batch covers but refused are dead-lettered just before (by whoever announces).
   */
  #announce(
    event: BatchSealed,
    last: BatchSealed | null,
    refusals: readonly RecordRefusal[],
  ): Promise<boolean> {
    // The re-read and the publish must not interleave with another batcher's on the same bus handle.
    const before = announcing.get(this.#bus) ?? Promise.resolve();
    const mine = before.then(() => this.#announceAfterReread(event, last, refusals));
    announcing.set(
      this.#bus,
      mine.catch(() => undefined),
    );
    return mine;
  }

  async #announceAfterReread(
    event: BatchSealed,
    last: BatchSealed | null,
    refusals: readonly RecordRefusal[],
  ): Promise<boolean> {
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
    await publishRefusals(this.#bus, refusals, batcherLetterGroup(event.platform));
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
    const { pinTimeoutMs } = this.#options;
    const root = decodeBatchRoot(
      await withDeadline(`get batch ${last.batchCid}`, pinTimeoutMs, (options) =>
        this.#store.getBlock(last.batchCid, options),
      ),
    );
    if (root.sequence !== last.sequence || root.platform !== last.platform) {
      throw new BatcherError(
        BatcherErrorCode.BadState,
        `batch ${last.batchCid} is not batch ${last.sequence} of ${last.platform}`,
        false,
      );
    }
    const lastPage = root.pages.at(-1);
    if (lastPage === undefined) return new CidSet(0);
    const page = decodeBatchPage(
      await withDeadline(`get batch page ${lastPage.toString()}`, pinTimeoutMs, (options) =>
        this.#store.getBlock(lastPage, options),
      ),
    );
    const set = new CidSet(page.entries.length);
    for (const entry of page.entries) set.add(entry.bytes);
    return set;
  }
}
