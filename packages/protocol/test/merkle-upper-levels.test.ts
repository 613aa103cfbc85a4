/**
 * MerkleUpperLevels against the RFC 6962 MTH written out literally: every stored node is MTH of
 * the leaves it names, and every subtree on an inclusion path of at least 2^base leaves is one.
 */
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, ProtocolError } from '../src/errors.ts';
import { merkleLeafHash, MerkleUpperLevels, merkleNodeOfRange } from '../src/merkle/index.ts';

const sha256 = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash('sha256');
  for (const part of parts) h.update(part);
  return new Uint8Array(h.digest());
};
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function refMth(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 1) return sha256(Uint8Array.of(0), leaves[0]!);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha256(Uint8Array.of(1), refMth(leaves.slice(0, k)), refMth(leaves.slice(k)));
}

/** The ranges of PATH(m, D[n]), leaf side first, from the RFC's recursion. */
function refPathRanges(m: number, start: number, end: number): [number, number][] {
  if (end - start <= 1) return [];
  let k = 1;
  while (k * 2 < end - start) k *= 2;
  return m < start + k
    ? [...refPathRanges(m, start, start + k), [start + k, end]]
    : [...refPathRanges(m, start + k, end), [start, start + k]];
}

const leavesOf = (n: number) => Array.from({ length: n }, (_, i) => Uint8Array.of(i >> 8, i & 0xff));

describe('MerkleUpperLevels', () => {
  it('stores MTH(D[i·2^j : min((i+1)·2^j, n)]) at level j, index i, up to the root', () => {
    for (const base of [0, 1, 3]) {
      for (let n = 1; n <= 40; n += 1) {
        const leaves = leavesOf(n);
        const builder = new MerkleUpperLevels(base);
        for (const leaf of leaves) builder.add(merkleLeafHash(leaf));
        const { levels } = builder.finish();
        levels.forEach((nodes, k) => {
          const width = 2 ** (base + k);
          assert.equal(nodes.length, Math.ceil(n / width));
          nodes.forEach((node, i) => {
            assert.equal(hex(node), hex(refMth(leaves.slice(i * width, Math.min((i + 1) * width, n)))));
          });
        });
        assert.equal(levels.at(-1)!.length, 1);
        assert.equal(hex(levels.at(-1)![0]!), hex(refMth(leaves)));
      }
    }
  });

  it('names every inclusion-path subtree as one node', () => {
    for (let n = 1; n <= 70; n += 1) {
      for (let m = 0; m < n; m += 1) {
        for (const [start, end] of refPathRanges(m, 0, n)) {
          const { level, index } = merkleNodeOfRange(start, end, n);
          assert.equal(index * 2 ** level, start);
          assert.equal(Math.min(start + 2 ** level, n), end);
        }
      }
    }
  });

  it('refuses a range that is no subtree, and a base out of range', () => {
    const bad = (e: unknown) => e instanceof ProtocolError && e.code === ErrorCode.BadProof;
    assert.throws(() => merkleNodeOfRange(1, 3, 8), bad);
    assert.throws(() => merkleNodeOfRange(4, 7, 8), bad);
    assert.throws(() => merkleNodeOfRange(2, 2, 8), bad);
    assert.throws(
      () => new MerkleUpperLevels(17),
      (e: unknown) => e instanceof ProtocolError && e.code === ErrorCode.OutOfRange,
    );
  });

  it('has no levels for an empty tree', () => {
    assert.deepEqual(new MerkleUpperLevels(4).finish().levels, []);
  });
});
