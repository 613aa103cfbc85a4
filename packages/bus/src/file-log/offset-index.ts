import { Buffer } from 'node:buffer';
import { open } from 'node:fs/promises';
import { isMissing } from './durable-files.ts';

/**
 * A segment's sparse offset index: pairs of (offset − segment base, file position), u32 big-endian,
 * ascending, one pair per `indexIntervalBytes` of log. It is derived data: recovery rebuilds the
 * active segment's index from the log, and a lookup is always checked against the frame it finds.
 */
export const INDEX_ENTRY_BYTES = 8;

/** The index of the segment being written, in memory (a few hundred KiB at most per partition). */
export class IndexEntries {
  private pairs = new Uint32Array(64);
  private count = 0;

  get length(): number {
    return this.count;
  }

  add(relativeOffset: number, position: number): void {
    if (this.count * 2 === this.pairs.length) {
      const grown = new Uint32Array(this.pairs.length * 2);
      grown.set(this.pairs);
      this.pairs = grown;
    }
    this.pairs[this.count * 2] = relativeOffset;
    this.pairs[this.count * 2 + 1] = position;
    this.count += 1;
  }

  relativeOffsetAt(i: number): number {
    return this.pairs[i * 2]!;
  }

  positionAt(i: number): number {
    return this.pairs[i * 2 + 1]!;
  }

  /** Keeps the first `count` entries. */
  truncate(count: number): void {
    this.count = Math.min(this.count, count);
  }

  /** File position of the greatest entry at or below relativeOffset (0: scan from the start). */
  lookup(relativeOffset: number): number {
    let low = 0;
    let high = this.count - 1;
    let found = 0;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      if (this.relativeOffsetAt(middle) <= relativeOffset) {
        found = this.positionAt(middle);
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return found;
  }

  /** Entries from index `from` on, in file form. */
  encode(from = 0): Buffer {
    const bytes = Buffer.allocUnsafe((this.count - from) * INDEX_ENTRY_BYTES);
    for (let i = from; i < this.count; i++) {
      bytes.writeUInt32BE(this.relativeOffsetAt(i), (i - from) * INDEX_ENTRY_BYTES);
      bytes.writeUInt32BE(this.positionAt(i), (i - from) * INDEX_ENTRY_BYTES + 4);
    }
    return bytes;
  }
}

/**
 * Reads an index file, keeping its longest plausible prefix: whole entries, strictly ascending,
 * inside the log. A torn or zero-filled tail after a crash is thereby dropped.
 */
export async function readIndexFile(path: string, logSize: number): Promise<IndexEntries> {
  const entries = new IndexEntries();
  let bytes: Buffer;
  try {
    const handle = await open(path, 'r');
    try {
      bytes = await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (isMissing(error)) return entries;
    throw error;
  }
  for (let at = 0; at + INDEX_ENTRY_BYTES <= bytes.length; at += INDEX_ENTRY_BYTES) {
    const relativeOffset = bytes.readUInt32BE(at);
    const position = bytes.readUInt32BE(at + 4);
    const previous = entries.length - 1;
    const ascending =
      previous < 0 ||
      (relativeOffset > entries.relativeOffsetAt(previous) && position > entries.positionAt(previous));
    if (!ascending || position >= logSize) break;
    entries.add(relativeOffset, position);
  }
  return entries;
}

/** File position of the greatest entry at or below relativeOffset in a sealed segment's index file. */
export async function lookupIndexFile(path: string, relativeOffset: number): Promise<number> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (isMissing(error)) return 0;
    throw error;
  }
  try {
    const { size } = await handle.stat();
    const entry = Buffer.allocUnsafe(INDEX_ENTRY_BYTES);
    let low = 0;
    let high = Math.floor(size / INDEX_ENTRY_BYTES) - 1;
    let found = 0;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const { bytesRead } = await handle.read(entry, 0, INDEX_ENTRY_BYTES, middle * INDEX_ENTRY_BYTES);
      if (bytesRead < INDEX_ENTRY_BYTES) break;
      if (entry.readUInt32BE(0) <= relativeOffset) {
        found = entry.readUInt32BE(4);
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return found;
  } finally {
    await handle.close();
  }
}
