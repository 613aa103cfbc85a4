/**
 * The embedded store's `exportDag` reads ahead of its reader, but at most one block with links:
 * a batch page names 16,384 CIDs, and reading 16 pages ahead held 16 of them at once.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import * as dagCbor from '@ipld/dag-cbor';
import { MemoryBlockstore } from 'blockstore-core';
import { CID } from 'multiformats/cid';
import { sha256 } from 'multiformats/hashes/sha2';
import { CidCodec } from '@anchorpost/protocol';
import { READ_AHEAD, walkDag } from '../src/helia/dag-walk.ts';

/** Notes, at each read of a block with links, how many such blocks are read but not yet handed on. */
class HeldInnerBlocks extends MemoryBlockstore {
  started = 0;
  handedOn = 0;
  maxHeld = 0;

  override async *get(cid: CID, options?: { signal?: AbortSignal }): AsyncGenerator<Uint8Array> {
    if (cid.code !== CidCodec.Raw) this.maxHeld = Math.max(this.maxHeld, (this.started += 1) - this.handedOn);
    yield* super.get(cid, options);
  }
}

async function put(blocks: MemoryBlockstore, codec: number, bytes: Uint8Array): Promise<CID> {
  const cid = CID.createV1(codec, await sha256.digest(bytes));
  await blocks.put(cid, bytes);
  return cid;
}

it('reads at most one block with links ahead of the reader, and exports the DAG in order', async () => {
  const blocks = new HeldInnerBlocks();
  // A root over 40 "pages", each naming its own 20 leaves.
  const expected: string[] = [];
  const pages: CID[] = [];
  for (let p = 0; p < 2 * READ_AHEAD + 8; p += 1) {
    const leaves: CID[] = [];
    for (let i = 0; i < 20; i += 1)
      leaves.push(await put(blocks, CidCodec.Raw, new TextEncoder().encode(`page ${p} leaf ${i}`)));
    const page = await put(blocks, CidCodec.DagCbor, dagCbor.encode({ page: p, leaves }));
    pages.push(page);
    expected.push(page.toString(), ...leaves.map(String));
  }
  const root = await put(blocks, CidCodec.DagCbor, dagCbor.encode({ pages }));

  const exported: string[] = [];
  for await (const block of walkDag(blocks, root, {})) {
    if (CID.parse(block.cid).code !== CidCodec.Raw) blocks.handedOn += 1;
    exported.push(block.cid);
  }

  assert.deepEqual(exported, [root.toString(), ...expected]);
  assert.equal(blocks.maxHeld, 1, 'blocks with links read ahead of the reader');
});
