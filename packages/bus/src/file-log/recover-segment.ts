import { open } from 'node:fs/promises';
import { FrameReader } from './frame-reader.ts';
import { readIndexFile } from './offset-index.ts';
import { tryPayloadOffset } from './record-frame.ts';
import { Segment } from './segment.ts';

export interface RecoveredSegment {
  readonly segment: Segment;
  /** Offset after the last whole record. */
  readonly endOffset: number;
  /** Bytes cut off the end: a torn or corrupt final record, or garbage after it. */
  readonly truncatedBytes: number;
}

/**
 * Crash recovery of a partition's last segment: finds the last whole record (length, CRC and its
 * own offset all right) and cuts off everything after it, so appends continue at the right offset.
 * Only the tail is scanned, from the last index entry that still points at the record it names
 * (the index may have reached the disk ahead of the log, or behind it). The index is rewritten.
 */
export async function recoverSegment(
  dir: string,
  baseOffset: number,
  indexIntervalBytes: number,
): Promise<RecoveredSegment> {
  const probe = new Segment(dir, baseOffset, 0, null);
  const handle = await open(probe.logPath, 'r+');
  try {
    const fileSize = (await handle.stat()).size;
    const index = await readIndexFile(probe.indexPath, fileSize);

    let kept = index.length;
    let start = 0;
    let expected = baseOffset;
    while (kept > 0) {
      const position = index.positionAt(kept - 1);
      const offset = baseOffset + index.relativeOffsetAt(kept - 1);
      const step = await new FrameReader(handle, position, fileSize).next();
      if (step.kind === 'frame' && tryPayloadOffset(step.payload) === offset) {
        start = position;
        expected = offset;
        break;
      }
      kept -= 1;
    }
    index.truncate(kept);

    const reader = new FrameReader(handle, start, fileSize);
    let validEnd = start;
    let bytesSinceIndexEntry = 0;
    for (;;) {
      const step = await reader.next();
      if (step.kind !== 'frame' || tryPayloadOffset(step.payload) !== expected) break;
      if (bytesSinceIndexEntry >= indexIntervalBytes) {
        index.add(expected - baseOffset, step.position);
        bytesSinceIndexEntry = 0;
      }
      bytesSinceIndexEntry += step.size;
      validEnd = step.position + step.size;
      expected += 1;
    }

    if (validEnd < fileSize) {
      await handle.truncate(validEnd);
      await handle.datasync();
    }
    const indexFile = await open(probe.indexPath, 'w');
    try {
      await indexFile.writeFile(index.encode());
    } finally {
      await indexFile.close();
    }
    const segment = new Segment(dir, baseOffset, validEnd, index, index.length);
    segment.bytesSinceIndexEntry = bytesSinceIndexEntry;
    return { segment, endOffset: expected, truncatedBytes: fileSize - validEnd };
  } finally {
    await handle.close();
  }
}
