/** The CID computed beside a stream: equal to the protocol's, bounded, and honest about failures. */
import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { cidForBytes } from '@anchorpost/protocol';
import { ExpectedCid } from '../src/expected-cid.ts';

function* chunksOf(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let at = 0; at < bytes.byteLength; at += size) yield bytes.subarray(at, at + size);
}

describe('ExpectedCid', () => {
  it('passes chunks through unchanged and computes the protocol CID of them', async () => {
    const bytes = randomBytes(5 * 262_144 + 11);
    const expected = new ExpectedCid(chunksOf(bytes, 100_000));
    const passed: Uint8Array[] = [];
    for await (const chunk of expected.chunks) passed.push(chunk);
    assert.deepEqual(Buffer.concat(passed), bytes);
    assert.equal(await expected.cid(), await cidForBytes(bytes));
  });

  it('does not read the source ahead of the store', async () => {
    let pulled = 0;
    async function* source(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 200; i += 1) {
        pulled += 1;
        await nextTurn();
        yield new Uint8Array(65_536);
      }
    }
    const expected = new ExpectedCid(source());
    let read = 0;
    for await (const chunk of expected.chunks) {
      read += chunk.byteLength > 0 ? 1 : 0;
      await nextTurn();
      assert.ok(pulled - read <= 1, `source ${pulled - read} chunks ahead of the store`);
    }
    assert.equal(read, 200);
  });

  it("reports the source's failure and never settles on a CID", async () => {
    const failure = new Error('broken source');
    async function* source(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(10);
      await nextTurn();
      throw failure;
    }
    const expected = new ExpectedCid(source());
    await assert.rejects(
      (async () => {
        for await (const chunk of expected.chunks) assert.equal(chunk.byteLength, 10);
      })(),
      (error) => error === failure,
    );
    assert.equal(expected.sourceFailed, true);
    assert.equal(expected.sourceError, failure);
    await assert.rejects(expected.cid());
  });

  it('refuses to give a CID for a stream the reader abandoned', async () => {
    const expected = new ExpectedCid(chunksOf(randomBytes(1_000), 100));
    for await (const chunk of expected.chunks) if (chunk.byteLength > 0) break;
    await assert.rejects(expected.cid(), /not read to its end/);
  });
});
