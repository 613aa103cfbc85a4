import type { Buffer } from 'node:buffer';
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { IndexEntries, INDEX_ENTRY_BYTES, lookupIndexFile } from './offset-index.ts';

const NAME = /^(\d{20})\.log$/;
const READ_WRITE_CREATE = constants.O_RDWR | constants.O_CREAT;
/** Buffers per writev call (well under IOV_MAX). */
const WRITEV_BUFFERS = 512;

/** Segment files are named by their first offset, zero-padded to 20 digits as Kafka does. */
export function segmentBaseOffset(fileName: string): number | null {
  const match = NAME.exec(fileName);
  return match === null ? null : Number(match[1]);
}

/**
 * One segment of a partition: `<base>.log` with the frames, `<base>.index` with the sparse index.
 * Only the last (active) segment is written; it keeps its index in memory and its files open.
 * A sealed segment was fsynced when it was sealed and is only read.
 */
export class Segment {
  readonly baseOffset: number;
  readonly logPath: string;
  readonly indexPath: string;
  /** Bytes of whole frames written. */
  size: number;
  /** Bytes known to be on disk; readers stop here. */
  durableSize: number;
  /** The in-memory index while active; null once sealed. */
  index: IndexEntries | null;
  bytesSinceIndexEntry = 0;
  private indexEntriesInFile: number;
  private logFile: FileHandle | null = null;
  private indexFile: FileHandle | null = null;

  constructor(
    dir: string,
    baseOffset: number,
    size: number,
    index: IndexEntries | null,
    indexEntriesInFile = 0,
  ) {
    const base = String(baseOffset).padStart(20, '0');
    this.baseOffset = baseOffset;
    this.logPath = join(dir, `${base}.log`);
    this.indexPath = join(dir, `${base}.index`);
    this.size = size;
    this.durableSize = size;
    this.index = index;
    this.indexEntriesInFile = indexEntriesInFile;
  }

  /** Creates the empty files of a new active segment (the caller fsyncs the directory). */
  static async create(dir: string, baseOffset: number): Promise<Segment> {
    const segment = new Segment(dir, baseOffset, 0, new IndexEntries());
    segment.logFile = await open(segment.logPath, 'wx+');
    segment.indexFile = await open(segment.indexPath, 'w+');
    return segment;
  }

  /** Writes whole frames at the end of the log, then the index entries added for them. */
  async append(frames: readonly Buffer[], bytes: number): Promise<void> {
    const { log, index } = await this.files();
    let position = this.size;
    for (let i = 0; i < frames.length; i += WRITEV_BUFFERS) {
      const chunk = frames.slice(i, i + WRITEV_BUFFERS);
      const chunkBytes = chunk.reduce((sum, frame) => sum + frame.length, 0);
      // libuv writes the whole vector (looping over short writes) or fails.
      const { bytesWritten } = await log.writev(chunk, position);
      if (bytesWritten !== chunkBytes) throw new Error(`short write: ${bytesWritten} of ${chunkBytes} bytes`);
      position += chunkBytes;
    }
    if (position !== this.size + bytes) throw new Error('segment append: byte count mismatch');
    this.size = position;
    const entries = this.index;
    if (entries !== null && entries.length > this.indexEntriesInFile) {
      const encoded = entries.encode(this.indexEntriesInFile);
      await index.write(encoded, 0, encoded.length, this.indexEntriesInFile * INDEX_ENTRY_BYTES);
      this.indexEntriesInFile = entries.length;
    }
  }

  /** Makes the written frames durable (fdatasync also covers the file's new length). */
  async sync(): Promise<void> {
    if (this.logFile !== null) await this.logFile.datasync();
  }

  /** Ends writing: log and index to disk, files closed, index looked up from the file from now on. */
  async seal(): Promise<void> {
    if (this.logFile !== null) await this.logFile.datasync();
    if (this.indexFile !== null) await this.indexFile.datasync();
    await this.close();
    this.durableSize = this.size;
    this.index = null;
  }

  /** File position to start scanning from for `offset` (a frame at or before it). */
  async lookup(offset: number): Promise<number> {
    const relative = offset - this.baseOffset;
    const position =
      this.index === null ? await lookupIndexFile(this.indexPath, relative) : this.index.lookup(relative);
    return position < this.durableSize ? position : 0;
  }

  async close(): Promise<void> {
    const files = [this.logFile, this.indexFile];
    this.logFile = null;
    this.indexFile = null;
    for (const file of files) await file?.close();
  }

  private async files(): Promise<{ log: FileHandle; index: FileHandle }> {
    this.logFile ??= await open(this.logPath, 'r+');
    this.indexFile ??= await open(this.indexPath, READ_WRITE_CREATE);
    return { log: this.logFile, index: this.indexFile };
  }
}
