/**
 * BulkTxFiles over test-double streams: what the stream gives comes from it, in the entries'
 * order; what it does not (a block sent earlier, a stalled or failed stream, a non-raw entry) is
 * answered undefined, for the indexer to read on its own; and it keeps at most `window` blocks.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cidForSmallBytes } from '@anchorpost/protocol';
import type { DagBlock } from '@anchorpost/storage-port';
import { BulkTxFiles } from '../src/bulk-tx-files.ts';

function block(text: string): DagBlock {
  const bytes = new TextEncoder().encode(text);
  return { cid: cidForSmallBytes(bytes), bytes };
}

/** A test-double stream: the given blocks, then the given end (done, a failure, or never). */
function streamOf(blocks: DagBlock[], end: 'done' | Error | 'stall' = 'done') {
  const state = { pulled: 0, aborted: false };
  const open = (signal: AbortSignal) => {
    signal.addEventListener('abort', () => (state.aborted = true));
    return (async function* () {
      for (const b of blocks) {
        state.pulled += 1;
        yield b;
      }
      if (end === 'stall') await new Promise(() => undefined);
      if (end instanceof Error) throw end;
    })();
  };
  return { open, state };
}

const text = (bytes: Uint8Array | undefined) =>
  bytes === undefined ? undefined : new TextDecoder().decode(bytes);

describe('BulkTxFiles', () => {
  it('gives each entry its block in order, pulling only as entries ask', async () => {
    const blocks = ['a', 'b', 'c'].map(block);
    const { open, state } = streamOf(blocks);
    const bulk = new BulkTxFiles(open, { window: 4, stallMs: 1_000 });
    assert.equal(state.pulled, 0);
    const taken = await Promise.all(blocks.map((b) => bulk.take(b.cid)));
    assert.deepEqual(taken.map(text), ['a', 'b', 'c']);
    assert.equal(bulk.failure, undefined);
    bulk.close();
  });

  it('answers undefined for a block the stream sent earlier, and keeps the blocks it passed', async () => {
    const [a, b, c] = ['a', 'b', 'c'].map(block) as [DagBlock, DagBlock, DagBlock];
    // Entries a, b, a, c: the stream sends a once.
    const bulk = new BulkTxFiles(streamOf([a, b, c]).open, { window: 4, stallMs: 1_000 });
    const taken = await Promise.all([a, b, a, c].map((x) => bulk.take(x.cid)));
    assert.deepEqual(taken.map(text), ['a', 'b', undefined, 'c']);
  });

  it('keeps at most `window` blocks ahead: past it, an entry not coming is given up', async () => {
    const blocks = ['1', '2', '3', '4', '5', '6'].map(block);
    const { open, state } = streamOf(blocks);
    const bulk = new BulkTxFiles(open, { window: 2, stallMs: 1_000 });
    assert.equal(await bulk.take(block('never sent').cid), undefined);
    assert.equal(state.pulled, 2, 'read past two blocks, no more');
    assert.deepEqual(text(await bulk.take(blocks[1]!.cid)), '2');
    assert.deepEqual(text(await bulk.take(blocks[2]!.cid)), '3');
  });

  it('ends at a failed stream: the blocks before it come, the rest are undefined', async () => {
    const [a, b] = ['a', 'b'].map(block) as [DagBlock, DagBlock];
    const failure = new Error('store unreachable');
    const bulk = new BulkTxFiles(streamOf([a], failure).open, { window: 4, stallMs: 1_000 });
    assert.deepEqual(text(await bulk.take(a.cid)), 'a');
    assert.equal(await bulk.take(b.cid), undefined);
    assert.equal(bulk.failure, failure);
  });

  it('gives a stalled stream up after stallMs and aborts it', async () => {
    const [a, b] = ['a', 'b'].map(block) as [DagBlock, DagBlock];
    const { open, state } = streamOf([a], 'stall');
    const bulk = new BulkTxFiles(open, { window: 4, stallMs: 50 });
    assert.deepEqual(text(await bulk.take(a.cid)), 'a');
    assert.equal(await bulk.take(b.cid), undefined);
    assert.match(String(bulk.failure), /no block within 50 ms/);
    assert.equal(state.aborted, true);
  });

  it('leaves a tx-file that is not a raw leaf to be read as a file, without touching the stream', async () => {
    const { open, state } = streamOf([block('a')]);
    const bulk = new BulkTxFiles(open, { window: 4, stallMs: 1_000 });
    const dagPb = 'bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi';
    assert.equal(await bulk.take(dagPb), undefined);
    assert.equal(state.pulled, 0);
  });
});
