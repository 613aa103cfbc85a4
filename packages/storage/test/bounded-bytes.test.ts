/** The read size limit: refuses before handing on the crossing chunk, and stops reading its source. */
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { limitBytes, readBounded } from '../src/bounded-bytes.ts';
import { StorageError } from '@anchorpost/storage-port';

/** A source of `count` chunks of `size` bytes that counts how many were pulled. */
function countingSource(
  count: number,
  size: number,
): { source: AsyncIterable<Uint8Array>; pulled: () => number } {
  let pulled = 0;
  return {
    source: (async function* () {
      for (let i = 0; i < count; i += 1) {
        pulled += 1;
        await nextTurn();
        yield new Uint8Array(size).fill(i);
      }
    })(),
    pulled: () => pulled,
  };
}

const tooLarge = (error: unknown): boolean =>
  error instanceof StorageError && error.code === 'TOO_LARGE' && !error.retryable;

describe('limitBytes / readBounded', () => {
  it('reads a stream up to exactly the limit', async () => {
    const { source } = countingSource(4, 10);
    const bytes = await readBounded(source, 40, 'x');
    assert.equal(bytes.byteLength, 40);
    assert.deepEqual([...bytes.subarray(30, 32)], [3, 3]);
  });

  it('stops at the chunk that crosses the limit and pulls nothing more', async () => {
    const { source, pulled } = countingSource(1_000, 10);
    await assert.rejects(readBounded(source, 35, 'x'), tooLarge);
    assert.equal(pulled(), 4, 'the source was read past the crossing chunk');
  });

  it('hands on only whole chunks within the limit', async () => {
    const { source } = countingSource(10, 10);
    const seen: number[] = [];
    await assert.rejects(
      (async () => {
        for await (const chunk of limitBytes(source, 25, 'x')) seen.push(chunk.byteLength);
      })(),
      tooLarge,
    );
    assert.deepEqual(seen, [10, 10]);
  });

  it('returns plain Uint8Arrays, not Buffers', async () => {
    const bytes = await readBounded([Buffer.from('abc')], 3, 'x');
    assert.equal(Object.getPrototypeOf(bytes), Uint8Array.prototype);
  });
});
