import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cidForSmallBytes, MerkleTree } from '@anchorpost/protocol';
import { inclusionFromEntries, inclusionSubtrees } from '../src/inclusion-from-entries.ts';
import { ProofError } from '../src/proof-error.ts';

const cids = (count: number, label = 'leaf'): string[] =>
  Array.from({ length: count }, (_, i) => cidForSmallBytes(new TextEncoder().encode(`${label} ${i}`)));

async function* paged(entries: readonly string[]): AsyncIterable<string> {
  // Yields across awaits, as the repository's page-by-page reader does.
  for (const entry of entries) {
    await Promise.resolve();
    yield entry;
  }
}

async function rejectsInconsistent(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ProofError);
    assert.equal(error.code, 'INDEX_INCONSISTENT');
    assert.equal(error.retryable, false);
    assert.match(error.message, pattern);
    return true;
  });
}

describe('inclusionFromEntries', () => {
  it('gives exactly the protocol MerkleTree proof for every leaf of trees of 1…40 and 100 leaves', async () => {
    for (const size of [...Array.from({ length: 40 }, (_, i) => i + 1), 100]) {
      const entries = cids(size, `size ${size}`);
      const tree = MerkleTree.fromCids(entries);
      for (let index = 0; index < size; index += 1) {
        const proof = await inclusionFromEntries(paged(entries), {
          leaf: entries[index]!,
          index,
          treeSize: size,
          root: tree.rootHex,
        });
        assert.deepEqual(proof, tree.proof(index), `leaf ${index} of ${size}`);
      }
    }
  });

  it('keeps one accumulator per path element, never the entries', () => {
    assert.deepEqual(inclusionSubtrees(0, 1), []);
    assert.deepEqual(inclusionSubtrees(5, 7), [
      { start: 4, end: 5 },
      { start: 6, end: 7 },
      { start: 0, end: 4 },
    ]);
    assert.equal(inclusionSubtrees(123_456, 1_000_000).length, 20);
  });

  it('refuses an index whose entries disagree with the recorded leaf, count or root', async () => {
    const entries = cids(9);
    const root = MerkleTree.fromCids(entries).rootHex;
    await rejectsInconsistent(
      inclusionFromEntries(entries, { leaf: entries[3]!, index: 4, treeSize: 9, root }),
      /entry 4/,
    );
    await rejectsInconsistent(
      inclusionFromEntries(entries.slice(0, 8), { leaf: entries[3]!, index: 3, treeSize: 9, root }),
      /8 entries, its count is 9/,
    );
    await rejectsInconsistent(
      inclusionFromEntries(entries, { leaf: entries[3]!, index: 3, treeSize: 8, root }),
      /more entries/,
    );
    await rejectsInconsistent(
      inclusionFromEntries(entries, { leaf: entries[3]!, index: 3, treeSize: 9, root: '0'.repeat(64) }),
      /recorded root/,
    );
  });
});
