/**
 * The CAR v1 reader under Kubo's `exportDag`: blocks as they arrive in any chunking, each checked
 * against its CID, a section too large for a block refused before it is buffered, and nothing
 * read ahead of the consumer beyond the section in hand.
 */
import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as dagCbor from '@ipld/dag-cbor';
import { cidForSmallBytes, toCid } from '@anchorpost/protocol';
import { StorageError } from '@anchorpost/storage-port';
import { varint } from 'multiformats';
import { carBlocks } from '../src/kubo/car-blocks.ts';

function withLength(bytes: Uint8Array): Uint8Array {
  return Buffer.concat([
    varint.encodeTo(bytes.byteLength, new Uint8Array(varint.encodingLength(bytes.byteLength))),
    bytes,
  ]);
}

function header(): Uint8Array {
  return withLength(dagCbor.encode({ version: 1, roots: [] }));
}

function section(cid: string, bytes: Uint8Array): Uint8Array {
  return withLength(Buffer.concat([toCid(cid, 'cid').bytes, bytes]));
}

function rawBlock(size = 100): { cid: string; bytes: Uint8Array } {
  const bytes = randomBytes(size);
  return { cid: cidForSmallBytes(bytes), bytes };
}

/** The bytes as a network stream hands them out: `size` at a time, one turn of the event loop apart. */
async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.byteLength; at += size) {
    await Promise.resolve();
    yield bytes.subarray(at, at + size);
  }
}

async function collect(source: AsyncIterable<{ cid: string; bytes: Uint8Array }>) {
  const blocks: { cid: string; bytes: Uint8Array }[] = [];
  for await (const block of source) blocks.push(block);
  return blocks;
}

function isCode(code: string) {
  return (error: unknown) => error instanceof StorageError && error.code === code;
}

describe('carBlocks', () => {
  it('reads every block in order, whatever the chunking', async () => {
    const blocks = [rawBlock(1), rawBlock(300), rawBlock(70_000)];
    const car = Buffer.concat([header(), ...blocks.map((b) => section(b.cid, b.bytes))]);
    for (const size of [1, 7, 4_096, car.byteLength]) {
      const read = await collect(carBlocks(chunked(car, size), 'test'));
      assert.deepEqual(
        read.map((b) => [b.cid, Buffer.from(b.bytes).toString('hex')]),
        blocks.map((b) => [b.cid, Buffer.from(b.bytes).toString('hex')]),
      );
    }
  });

  it('refuses a block that does not hash to its CID (CID_MISMATCH), after the good ones', async () => {
    const good = rawBlock();
    const bad = rawBlock();
    const tampered = Uint8Array.from(bad.bytes);
    tampered[0]! ^= 1;
    const car = Buffer.concat([header(), section(good.cid, good.bytes), section(bad.cid, tampered)]);
    const seen: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const block of carBlocks(chunked(car, 64), 'test')) seen.push(block.cid);
      })(),
      isCode('CID_MISMATCH'),
    );
    assert.deepEqual(seen, [good.cid]);
  });

  it('refuses a section longer than a block may be (TOO_LARGE) without reading it', async () => {
    let pulled = 0;
    async function* source(): AsyncGenerator<Uint8Array> {
      await Promise.resolve();
      yield header();
      pulled += 1;
      yield varint.encodeTo(2 * 1_048_576, new Uint8Array(varint.encodingLength(2 * 1_048_576)));
      pulled += 1;
      for (;;) {
        yield new Uint8Array(65_536);
        pulled += 1;
      }
    }
    await assert.rejects(collect(carBlocks(source(), 'test')), isCode('TOO_LARGE'));
    assert.ok(pulled <= 2, `pulled ${pulled} chunks`);
  });

  it('reads no further ahead than the block in hand (back-pressure)', async () => {
    let pulled = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      await Promise.resolve();
      yield header();
      for (;;) {
        const block = rawBlock(1_000);
        pulled += 1;
        yield section(block.cid, block.bytes);
      }
    }
    let taken = 0;
    for await (const block of carBlocks(endless(), 'test')) {
      assert.equal(block.bytes.byteLength, 1_000);
      taken += 1;
      if (taken === 5) break;
    }
    assert.ok(pulled <= 6, `pulled ${pulled} sections for 5 blocks`);
  });

  it('refuses a stream cut inside a section, and one that is not CAR v1', async () => {
    const block = rawBlock();
    const car = Buffer.concat([header(), section(block.cid, block.bytes)]);
    await assert.rejects(
      collect(carBlocks(chunked(car.subarray(0, car.byteLength - 3), 16), 'test')),
      isCode('INTERNAL'),
    );
    const v2 = withLength(dagCbor.encode({ version: 2, roots: [] }));
    await assert.rejects(collect(carBlocks(chunked(v2, 16), 'test')), isCode('INTERNAL'));
  });
});
