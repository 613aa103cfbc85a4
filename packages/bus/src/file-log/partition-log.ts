import type { Buffer } from 'node:buffer';
import { open, readdir, stat } from 'node:fs/promises';
import { BusError, BusErrorCode, recordBytes } from '@anchorpost/bus-port';
import { syncDirectory } from './durable-files.ts';
import { FrameReader, type FrameStep } from './frame-reader.ts';
import { decodePayload, payloadOffset, tryPayloadOffset, type StoredRecord } from './record-frame.ts';
import { recoverSegment } from './recover-segment.ts';
import { Segment, segmentBaseOffset } from './segment.ts';

export interface PartitionLogOptions {
  readonly segmentBytes: number;
  readonly indexIntervalBytes: number;
}

/**
 * One partition's log: a directory of segments, appended at the end and read from any offset.
 * Offsets are handed out when a record is queued; the group commit writes queued frames and
 * fsyncs; only then do readers (and subscribers, which it wakes) see them — the high watermark.
 */
export class PartitionLog {
  readonly dir: string;
  /** Bytes cut off the last segment when it was opened (crash recovery). */
  readonly truncatedBytes: number;
  private readonly options: PartitionLogOptions;
  private readonly segments: Segment[];
  private nextOffset: number;
  private writtenOffset: number;
  private durableOffset: number;
  private pending: Buffer[] = [];
  private directoryDirty = false;
  private readonly waiters = new Set<() => void>();

  private constructor(
    dir: string,
    options: PartitionLogOptions,
    segments: Segment[],
    endOffset: number,
    truncatedBytes: number,
  ) {
    this.dir = dir;
    this.options = options;
    this.segments = segments;
    this.nextOffset = endOffset;
    this.writtenOffset = endOffset;
    this.durableOffset = endOffset;
    this.truncatedBytes = truncatedBytes;
  }

  /** Lays out an empty partition in `dir` (the caller makes the directory durable). */
  static async create(dir: string): Promise<void> {
    const segment = await Segment.create(dir, 0);
    await segment.seal();
  }

  static async open(dir: string, options: PartitionLogOptions): Promise<PartitionLog> {
    const bases = (await readdir(dir))
      .map(segmentBaseOffset)
      .filter((base) => base !== null)
      .sort((a, b) => a - b);
    const last = bases.pop();
    if (last === undefined) {
      await PartitionLog.create(dir);
      await syncDirectory(dir);
      return PartitionLog.open(dir, options);
    }
    const segments: Segment[] = [];
    for (const base of bases) {
      const sealed = new Segment(dir, base, 0, null);
      sealed.size = sealed.durableSize = (await stat(sealed.logPath)).size;
      segments.push(sealed);
    }
    const recovered = await recoverSegment(dir, last, options.indexIntervalBytes);
    segments.push(recovered.segment);
    return new PartitionLog(dir, options, segments, recovered.endOffset, recovered.truncatedBytes);
  }

  /** The high watermark: offset after the last durable record. */
  get endOffset(): number {
    return this.durableOffset;
  }

  /** Queues one record: hands out its offset and takes its frame, encoded for that offset. */
  enqueue(encodeFrame: (offset: number) => Buffer): number {
    const offset = this.nextOffset;
    this.pending.push(encodeFrame(offset));
    this.nextOffset = offset + 1;
    return offset;
  }

  /** Writes the queued frames (rolling to a new segment when the active one is full). Group commit only. */
  async writePending(): Promise<void> {
    const frames = this.pending;
    this.pending = [];
    let active = this.activeSegment();
    let batch: Buffer[] = [];
    let batchBytes = 0;
    let offset = this.writtenOffset;
    for (const frame of frames) {
      if (
        active.size + batchBytes > 0 &&
        active.size + batchBytes + frame.length > this.options.segmentBytes
      ) {
        await active.append(batch, batchBytes);
        batch = [];
        batchBytes = 0;
        // The sealed segment is fsynced here, so after a crash only the last segment can be torn.
        await active.seal();
        active = await Segment.create(this.dir, offset);
        this.segments.push(active);
        this.directoryDirty = true;
      }
      if (active.bytesSinceIndexEntry >= this.options.indexIntervalBytes) {
        active.index?.add(offset - active.baseOffset, active.size + batchBytes);
        active.bytesSinceIndexEntry = 0;
      }
      active.bytesSinceIndexEntry += frame.length;
      batch.push(frame);
      batchBytes += frame.length;
      offset += 1;
    }
    await active.append(batch, batchBytes);
    this.writtenOffset = offset;
  }

  /** fsync of what writePending wrote (and of the directory when a segment was added). Group commit only. */
  async sync(): Promise<void> {
    await this.activeSegment().sync();
    if (this.directoryDirty) {
      this.directoryDirty = false;
      await syncDirectory(this.dir);
    }
  }

  /** Moves the high watermark over what sync made durable and wakes waiting subscribers. */
  markDurable(): void {
    const active = this.activeSegment();
    active.durableSize = active.size;
    this.durableOffset = this.writtenOffset;
    for (const wake of [...this.waiters]) wake();
  }

  /**
   * Up to maxRecords durable records from fromOffset on, streamed from the segment files, and no
   * more than maxBytes (`recordBytes`) of them but the first.
   */
  async read(fromOffset: number, maxRecords: number, maxBytes = Infinity): Promise<StoredRecord[]> {
    const end = this.durableOffset;
    if (fromOffset > end) {
      throw new BusError(
        BusErrorCode.OffsetOutOfRange,
        `offset ${fromOffset} is past the end of ${this.dir} (next offset ${end})`,
      );
    }
    const limit = Math.min(end, fromOffset + maxRecords);
    const records: StoredRecord[] = [];
    const budget: ByteBudget = { left: maxBytes, spent: false };
    let offset = fromOffset;
    for (let i = this.segmentIndexFor(offset); offset < limit && !budget.spent; i++) {
      const segment = this.segments[i];
      if (segment === undefined) throw corrupt(`${this.dir}: records ${offset}..${limit - 1} are missing`);
      offset = await this.readSegment(segment, offset, limit, records, budget);
    }
    return records;
  }

  /** Resolves once a record at `offset` is readable, or the signal aborts. */
  waitForRecords(offset: number, signal: AbortSignal): Promise<void> {
    if (this.durableOffset > offset || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        this.waiters.delete(wake);
        signal.removeEventListener('abort', wake);
        resolve();
      };
      this.waiters.add(wake);
      signal.addEventListener('abort', wake, { once: true });
    });
  }

  async close(): Promise<void> {
    for (const wake of [...this.waiters]) wake();
    await this.activeSegment().close();
  }

  private activeSegment(): Segment {
    return this.segments.at(-1)!;
  }

  private segmentIndexFor(offset: number): number {
    let low = 0;
    let high = this.segments.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (this.segments[middle]!.baseOffset <= offset) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  /** Appends records [from, limit) found in one segment; returns the next offset wanted. */
  private async readSegment(
    segment: Segment,
    from: number,
    limit: number,
    records: StoredRecord[],
    budget: ByteBudget,
  ): Promise<number> {
    const end = segment.durableSize;
    const handle = await open(segment.logPath, 'r');
    try {
      const position = await segment.lookup(from);
      let reader = new FrameReader(handle, position, end);
      let step = await reader.next();
      // The index is derived data: if its entry does not lead to the record, scan from the start.
      const first = step.kind === 'frame' ? tryPayloadOffset(step.payload) : null;
      if (position > 0 && (first === null || first > from)) {
        reader = new FrameReader(handle, 0, end);
        step = await reader.next();
      }
      let offset = from;
      for (;;) {
        if (step.kind === 'end') return offset;
        if (step.kind !== 'frame') throw corrupt(describeStep(segment, step));
        const recordOffset = payloadOffset(step.payload);
        if (recordOffset >= offset) {
          if (recordOffset !== offset) {
            throw corrupt(`${segment.logPath}: expected offset ${offset}, found ${recordOffset}`);
          }
          const record = decodePayload(step.payload);
          const bytes = recordBytes(record);
          if (records.length > 0 && bytes > budget.left) {
            budget.spent = true;
            return offset;
          }
          budget.left -= bytes;
          records.push(record);
          offset += 1;
          if (offset >= limit) return offset;
        }
        step = await reader.next();
      }
    } finally {
      await handle.close();
    }
  }
}

/** What a read may still take; `spent` once a record did not fit. */
interface ByteBudget {
  left: number;
  spent: boolean;
}

function describeStep(
  segment: Segment,
  step: Exclude<FrameStep, { kind: 'frame' } | { kind: 'end' }>,
): string {
  const reason = step.kind === 'torn' ? 'record cut short' : step.reason;
  return `${segment.logPath} at byte ${step.position}: ${reason}`;
}

function corrupt(message: string): BusError {
  return new BusError(BusErrorCode.Corrupt, `corrupt log: ${message}`);
}
