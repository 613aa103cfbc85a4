import { Buffer } from 'node:buffer';
import type { FileHandle } from 'node:fs/promises';
import { FRAME_HEADER_BYTES, frameChecksum, isPlausiblePayloadLength } from './record-frame.ts';

export type FrameStep =
  | { readonly kind: 'frame'; readonly position: number; readonly size: number; readonly payload: Buffer }
  | { readonly kind: 'end' }
  /** The bytes from `position` to the end cannot hold the frame that starts there. */
  | { readonly kind: 'torn'; readonly position: number }
  /** A frame header or checksum is wrong at `position`. */
  | { readonly kind: 'corrupt'; readonly position: number; readonly reason: string };

const DEFAULT_CHUNK_BYTES = 64 * 1024;

/**
 * Walks the frames of a segment file between two positions, reading it in chunks, so memory stays
 * at one chunk (or one record, if larger) however long the segment is. A payload returned by
 * next() is a view into its chunk: decode (copy) what you keep rather than hold the view.
 */
export class FrameReader {
  private readonly handle: FileHandle;
  private readonly end: number;
  private readonly chunkBytes: number;
  private buffer: Buffer;
  private bufferStart = 0;
  private bufferLength = 0;
  /** File position of the next frame. */
  position: number;

  constructor(handle: FileHandle, position: number, end: number, chunkBytes = DEFAULT_CHUNK_BYTES) {
    this.handle = handle;
    this.position = position;
    this.end = end;
    this.chunkBytes = chunkBytes;
    this.buffer = Buffer.allocUnsafe(Math.max(0, Math.min(chunkBytes, end - position)));
  }

  async next(): Promise<FrameStep> {
    const position = this.position;
    if (position >= this.end) return { kind: 'end' };
    if (!(await this.fill(position, FRAME_HEADER_BYTES))) return { kind: 'torn', position };
    const at = position - this.bufferStart;
    const length = this.buffer.readUInt32BE(at);
    const checksum = this.buffer.readUInt32BE(at + 4);
    if (!isPlausiblePayloadLength(length)) {
      return { kind: 'corrupt', position, reason: `implausible record length ${length}` };
    }
    const size = FRAME_HEADER_BYTES + length;
    if (!(await this.fill(position, size))) return { kind: 'torn', position };
    const start = position - this.bufferStart + FRAME_HEADER_BYTES;
    const payload = this.buffer.subarray(start, start + length);
    if (frameChecksum(payload) !== checksum)
      return { kind: 'corrupt', position, reason: 'checksum mismatch' };
    this.position = position + size;
    return { kind: 'frame', position, size, payload };
  }

  /** Makes bytes [position, position + bytes) available in the buffer; false if the range ends first. */
  private async fill(position: number, bytes: number): Promise<boolean> {
    if (position >= this.bufferStart && position + bytes <= this.bufferStart + this.bufferLength) return true;
    if (position + bytes > this.end) return false;
    const want = Math.min(Math.max(bytes, this.chunkBytes), this.end - position);
    // A fresh buffer on every refill: a payload returned earlier may still be a view of the old one.
    if (this.buffer.length < want || this.bufferLength > 0) this.buffer = Buffer.allocUnsafe(want);
    let filled = 0;
    while (filled < want) {
      const { bytesRead } = await this.handle.read(this.buffer, filled, want - filled, position + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    this.bufferStart = position;
    this.bufferLength = filled;
    return filled >= bytes;
  }
}
