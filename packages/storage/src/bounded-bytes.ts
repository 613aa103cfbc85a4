/**
 * The size limit on reads: a stream passes through unchanged until it would exceed `maxBytes`,
 * and then fails with TOO_LARGE before the chunk that crosses the limit is handed on — so a
 * caller never holds more than it allowed, and the source is not read further.
 */
import { StorageError, StorageErrorCode } from '@anchorpost/storage-port';

export function checkMaxBytes(maxBytes: number): void {
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw new RangeError(`maxBytes must be a non-negative integer, got ${maxBytes}`);
  }
}

export async function* limitBytes(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  maxBytes: number,
  what: string,
): AsyncGenerator<Uint8Array, void, undefined> {
  let total = 0;
  for await (const chunk of source) {
    total += chunk.byteLength;
    if (total > maxBytes) {
      throw new StorageError(StorageErrorCode.TooLarge, `${what}: larger than the allowed ${maxBytes} bytes`);
    }
    yield chunk;
  }
}

/** Collects a stream into one buffer of at most `maxBytes` bytes. */
export async function readBounded(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  maxBytes: number,
  what: string,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of limitBytes(source, maxBytes, what)) {
    chunks.push(chunk);
    total += chunk.byteLength;
  }
  if (chunks.length === 1) return plain(chunks[0]!);
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

/** Node Buffers are Uint8Array subclasses; callers get plain Uint8Arrays so values compare as data. */
function plain(bytes: Uint8Array): Uint8Array {
  return Buffer.isBuffer(bytes) ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes;
}
