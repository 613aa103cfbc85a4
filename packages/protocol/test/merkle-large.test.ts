/**
 * A tree of 1,000,000 tx-file CIDs: built in one flat buffer, every inclusion proof produced with
 * a path of 19 or 20 hashes, a sample verified, and the root equal to the streaming root of the
 * same leaves. How fast: bench/merkle.bench.ts (`npm run bench`).
 */
import { createHash } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cidBytesToText } from '../src/cid/index.ts';
import {
  MerkleRootAccumulator,
  merkleLeafHash,
  MerkleTree,
  verifyInclusionProof,
} from '../src/merkle/index.ts';

const N = 1_000_000;

// Collect the set-up garbage first, so the diagnostic's memory figure is the tree's.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** CIDv1 raw sha2-256 bytes built by hand: 0x01 0x55 0x12 0x20 ‖ SHA-256(i). */
function cidBytes(i: number): Uint8Array {
  const counter = Buffer.alloc(4);
  counter.writeUInt32BE(i);
  return Uint8Array.from([0x01, 0x55, 0x12, 0x20, ...createHash('sha256').update(counter).digest()]);
}

void describe('MerkleTree at 1,000,000 leaves', { timeout: 180_000 }, () => {
  void it('builds, and produces every proof (its speed: npm run bench, merkle)', (t) => {
    const cids: string[] = [];
    const streaming = new MerkleRootAccumulator();
    for (let i = 0; i < N; i += 1) {
      const bytes = cidBytes(i);
      cids.push(cidBytesToText(bytes));
      streaming.add(merkleLeafHash(bytes));
    }
    gc();
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    const tree = MerkleTree.fromCids(cids);
    const built = performance.now();
    let pathElements = 0;
    for (let i = 0; i < N; i += 1) {
      const proof = tree.proof(i);
      pathElements += proof.path.length;
      if (i % 9973 === 0 || i === N - 1) verifyInclusionProof(proof, { root: streaming.root(), treeSize: N });
    }
    const done = performance.now();
    t.diagnostic(
      `build ${(built - started).toFixed(0)} ms, all ${N} proofs ${(done - built).toFixed(0)} ms, ` +
        `${pathElements} path hashes, rss +${((process.memoryUsage().rss - rssBefore) / 1e6).toFixed(0)} MB`,
    );
    assert.deepEqual(tree.root, streaming.root());
    assert.equal(tree.size, N);
    // 2^19 < N < 2^20: every path has 19 or 20 hashes.
    assert.ok(pathElements >= 19 * N && pathElements <= 20 * N);
  });
});
