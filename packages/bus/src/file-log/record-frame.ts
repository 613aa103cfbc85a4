import { Buffer } from 'node:buffer';
import { crc32 } from 'node:zlib';
import { BusError, BusErrorCode } from '@anchorpost/bus-port';
import type { BusMessage } from '@anchorpost/bus-port';

/**
 * On-disk record framing: `length u32 ‖ crc32 u32 ‖ payload`, big-endian, the CRC (zlib's CRC-32)
 * over the payload. The payload is
 * `version u8 ‖ offset u64 ‖ timestamp u64 ‖ keyLength u32 ‖ key ‖ headerCount u32 ‖
 *  (nameLength u32 ‖ name ‖ valueLength u32 ‖ value)* ‖ valueLength u32 ‖ value`.
 * The record's own offset is inside, so a frame read at a wrong position, or a zero-filled tail
 * left by a crash, never passes for a record.
 */

export const FRAME_HEADER_BYTES = 8;
const PAYLOAD_VERSION = 1;
const FIXED_PAYLOAD_BYTES = 1 + 8 + 8 + 4 + 4 + 4;
/** Format bound: a length beyond it is garbage, whatever maxRecordBytes a bus was configured with. */
export const MAX_PAYLOAD_BYTES = 256 * 1024 * 1024;
const TWO_32 = 2 ** 32;

/** A message turned into bytes, sized before it gets an offset. */
export interface EncodedMessage {
  readonly key: Buffer;
  readonly headers: readonly (readonly [Buffer, Buffer])[];
  readonly value: Uint8Array;
  readonly payloadBytes: number;
}

export interface StoredRecord {
  readonly offset: number;
  readonly timestamp: number;
  readonly key: string;
  readonly headers: Record<string, string>;
  readonly value: Uint8Array;
}

export function encodeMessage(message: BusMessage): EncodedMessage {
  const key = Buffer.from(message.key, 'utf8');
  const headers = Object.entries(message.headers ?? {}).map(
    ([name, value]) => [Buffer.from(name, 'utf8'), Buffer.from(value, 'utf8')] as const,
  );
  let payloadBytes = FIXED_PAYLOAD_BYTES + key.length + message.value.length;
  for (const [name, value] of headers) payloadBytes += 8 + name.length + value.length;
  return { key, headers, value: message.value, payloadBytes };
}

/** The whole frame (header and payload) for a message at `offset`. */
export function encodeFrame(message: EncodedMessage, offset: number, timestamp: number): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + message.payloadBytes);
  let at = FRAME_HEADER_BYTES;
  at = frame.writeUInt8(PAYLOAD_VERSION, at);
  at = writeUint64(frame, offset, at);
  at = writeUint64(frame, timestamp, at);
  at = writeBytes(frame, message.key, at);
  at = frame.writeUInt32BE(message.headers.length, at);
  for (const [name, value] of message.headers) {
    at = writeBytes(frame, name, at);
    at = writeBytes(frame, value, at);
  }
  writeBytes(frame, message.value, at);
  frame.writeUInt32BE(message.payloadBytes, 0);
  frame.writeUInt32BE(crc32(frame.subarray(FRAME_HEADER_BYTES)), 4);
  return frame;
}

/** The offset stored in a payload (the payload's CRC already checked). */
export function payloadOffset(payload: Buffer): number {
  if (payload.length < FIXED_PAYLOAD_BYTES || payload[0] !== PAYLOAD_VERSION) {
    throw corrupt('unknown payload version or short payload');
  }
  return readUint64(payload, 1);
}

/** The stored offset, or null when the payload is not a record this format knows. */
export function tryPayloadOffset(payload: Buffer): number | null {
  try {
    return payloadOffset(payload);
  } catch {
    return null;
  }
}

/** Decodes a payload whose CRC matched, copying key, headers and value out of the read buffer. */
export function decodePayload(payload: Buffer): StoredRecord {
  const offset = payloadOffset(payload);
  const timestamp = readUint64(payload, 9);
  let at = 17;
  const take = (): Buffer => {
    if (at + 4 > payload.length) throw corrupt('field length past the payload end');
    const length = payload.readUInt32BE(at);
    const start = at + 4;
    if (start + length > payload.length) throw corrupt('field past the payload end');
    at = start + length;
    return payload.subarray(start, at);
  };
  const key = take().toString('utf8');
  if (at + 4 > payload.length) throw corrupt('header count past the payload end');
  const headerCount = payload.readUInt32BE(at);
  at += 4;
  const headers: Record<string, string> = {};
  for (let i = 0; i < headerCount; i++) {
    const name = take().toString('utf8');
    headers[name] = take().toString('utf8');
  }
  const value = new Uint8Array(take());
  if (at !== payload.length) throw corrupt('trailing bytes after the value');
  return { offset, timestamp, key, headers, value };
}

export function frameChecksum(payload: Uint8Array): number {
  return crc32(payload);
}

export function isPlausiblePayloadLength(length: number): boolean {
  return length >= FIXED_PAYLOAD_BYTES && length <= MAX_PAYLOAD_BYTES;
}

function writeUint64(target: Buffer, value: number, at: number): number {
  target.writeUInt32BE(Math.floor(value / TWO_32), at);
  return target.writeUInt32BE(value >>> 0, at + 4);
}

function readUint64(source: Buffer, at: number): number {
  return source.readUInt32BE(at) * TWO_32 + source.readUInt32BE(at + 4);
}

function writeBytes(target: Buffer, bytes: Uint8Array, at: number): number {
  const start = target.writeUInt32BE(bytes.length, at);
  target.set(bytes, start);
  return start + bytes.length;
}

function corrupt(reason: string): BusError {
  return new BusError(BusErrorCode.Corrupt, `corrupt record: ${reason}`);
}
