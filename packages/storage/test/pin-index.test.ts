/**
 * The embedded store's pin walk reads one block with links at a time: a batch page names 16,384
 * CIDs, and reading 32 pages side by side held half a million decoded CIDs at once.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import * as dagCbor from '@ipld/dag-cbor';
import { FsBlockstore } from 'blockstore-fs';
import { FsDatastore } from 'datastore-fs';
import { CID } from 'multiformats/cid';
import { sha256 } from 'multiformats/hashes/sha2';
import { CidCodec } from '@anchorpost/protocol';
import { PinIndex } from '../src/helia/pin-index.ts';

/** A file blockstore that notes how many blocks with links are being read at once. */
class CountingBlockstore extends FsBlockstore {
  innerReads = 0;
  maxInnerReads = 0;

  override async *get(cid: CID, options?: { signal?: AbortSignal }): AsyncGenerator<Uint8Array> {
    const inner = cid.code !== CidCodec.Raw;
    if (inner) this.maxInnerReads = Math.max(this.maxInnerReads, (this.innerReads += 1));
    try {
      yield* super.get(cid, options);
    } finally {
      if (inner) this.innerReads -= 1;
    }
  }
}

async function put(blocks: FsBlockstore, codec: number, bytes: Uint8Array): Promise<CID> {
  const cid = CID.createV1(codec, await sha256.digest(bytes));
  await blocks.put(cid, bytes);
  return cid;
}

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'anchorpost-pin-index-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('walks a wide DAG reading one block with links at a time, and pins all of it', async () => {
  const blocks = new CountingBlockstore(join(dir, 'blocks'));
  const datastore = new FsDatastore(join(dir, 'datastore'));
  await blocks.open();
  await datastore.open();
  try {
    const leaves = await Promise.all(
      Array.from({ length: 10 }, (_, i) => put(blocks, CidCodec.Raw, new TextEncoder().encode(`leaf ${i}`))),
    );
    // 40 "pages", each naming the leaves 500 times over, under one root.
    const pages: CID[] = [];
    for (let p = 0; p < 40; p += 1) {
      const links = Array.from({ length: 500 }, (_, i) => leaves[(i + p) % leaves.length]!);
      pages.push(await put(blocks, CidCodec.DagCbor, dagCbor.encode({ page: p, links })));
    }
    const root = await put(blocks, CidCodec.DagCbor, dagCbor.encode({ pages }));
    const pins = new PinIndex(blocks, datastore);

    await pins.pin(root, true);

    assert.equal(blocks.maxInnerReads, 1, 'blocks with links read side by side');
    assert.equal(await pins.isPinned(pages.at(-1)!), true);
    assert.equal(await pins.isPinned(leaves.at(-1)!), true);
    assert.equal(await pins.collectGarbage(), 0, 'nothing the pin keeps is collected');
  } finally {
    await blocks.close();
    await datastore.close();
  }
});
