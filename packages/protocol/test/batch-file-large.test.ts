/**
 * A million-entry batch-file encodes in bounded memory: entries are generated lazily, blocks are
 * hashed and dropped, and the heap retained after garbage collection must stay flat. Then the
 * stored pages verify (with the exact global duplicate check) against the same Merkle root.
 */
import { hash } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cidBytesToText, cidToBytes } from '../src/cid/index.ts';
import {
  BATCH_PAGE_SIZE,
  encodeBatchFile,
  MAX_BATCH_BLOCK_SIZE,
  verifyBatchFile,
} from '../src/batch-file/index.ts';
import type { BatchRootBlock } from '../src/batch-file/index.ts';
import { merkleLeafHash, merkleRoot } from '../src/merkle/index.ts';

const N = 1_000_000;

// A real gc() lets us measure what is retained, not what the collector has not got round to yet.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** CID text, as the batcher receives it from the log: CIDv1 raw sha2-256 of the counter. */
function* txFileCids(): Generator<string> {
  const counter = Buffer.alloc(4);
  const bytes = new Uint8Array(36);
  bytes.set([0x01, 0x55, 0x12, 0x20]);
  for (let i = 0; i < N; i += 1) {
    counter.writeUInt32BE(i);
    bytes.set(hash('sha256', counter, 'buffer'), 4);
    yield cidBytesToText(bytes);
  }
}

const header = { platform: 'large', sequence: 0, previous: null, sealedAt: '2026-11-22T03:00:00.000Z' };

void describe('a 1,000,000-entry batch-file', { timeout: 120_000 }, () => {
  void it('encodes with bounded memory and verifies', async (t) => {
    // Page bytes live in ArrayBuffers, outside the JS heap: count both.
    const retained = (): number => {
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    gc();
    const baseline = process.memoryUsage();
    const baselineRetained = retained();
    let peakRetained = 0;
    let largest = 0;
    let pages = 0;
    let root: BatchRootBlock | undefined;
    // Keep only each page's bytes (about 41 MB in all) so the result can be verified afterwards.
    const store = new Map<string, Uint8Array>();
    const started = performance.now();
    for await (const block of encodeBatchFile(header, txFileCids())) {
      largest = Math.max(largest, block.bytes.byteLength);
      if (block.kind === 'root') {
        root = block;
        break;
      }
      store.set(block.cid.toString(), block.bytes);
      pages += 1;
      if (pages % 8 === 0) {
        gc();
        const storedBytes = [...store.values()].reduce((a, b) => a + b.byteLength, 0);
        peakRetained = Math.max(peakRetained, retained() - baselineRetained - storedBytes);
      }
    }
    const encodeMs = performance.now() - started;
    assert.ok(root !== undefined);
    assert.equal(root.root.count, N);
    assert.equal(pages, Math.ceil(N / BATCH_PAGE_SIZE));
    assert.ok(largest <= MAX_BATCH_BLOCK_SIZE, `largest block ${largest}`);
    const rssGrowth = process.memoryUsage().rss - baseline.rss;
    t.diagnostic(
      `encode ${encodeMs.toFixed(0)} ms; ${pages} pages; largest block ${largest} B; ` +
        `peak retained heap beyond stored pages ${(peakRetained / 1e6).toFixed(1)} MB; rss growth ${(rssGrowth / 1e6).toFixed(0)} MB`,
    );
    // Holding the entries would retain 36 MB even packed as bytes (hundreds as CID objects); a page is under 1 MB.
    assert.ok(peakRetained < 24e6, `retained ${peakRetained} bytes beyond the stored pages`);

    // The same root, computed separately from the same entries.
    function* leafHashes(): Generator<Uint8Array> {
      for (const cid of txFileCids()) yield merkleLeafHash(cidToBytes(cid));
    }
    assert.deepEqual(root.root.merkleRoot, await merkleRoot(leafHashes()));

    const verifyStarted = performance.now();
    const verified = await verifyBatchFile(root.bytes, (cid) => store.get(cid.toString())!);
    assert.equal(verified.cid.toString(), root.cid.toString());
    t.diagnostic(`verify (global duplicate check) ${(performance.now() - verifyStarted).toFixed(0)} ms`);
  });
});
