/**
 * RFC 6962 / RFC 9162 Merkle trees against references that do not share our code: the RFC's
 * recursive MTH and PATH definitions written out below, the RFC 6962 §2.1.3 example tree, and the
 * Certificate Transparency known-answer vectors (transparency-dev/merkle testonly), used as data.
 */
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CID } from 'multiformats/cid';
import * as Digest from 'multiformats/hashes/digest';
import { ErrorCode, ProtocolError } from '../src/errors.ts';
import {
  EMPTY_TREE_ROOT,
  inclusionPathLength,
  isValidInclusionProof,
  MerkleRootAccumulator,
  merkleLeafHash,
  merkleRoot,
  merkleRootSync,
  MerkleTree,
  parseInclusionProof,
  rootFromInclusionPath,
  verifyInclusionProof,
} from '../src/merkle/index.ts';
import type { InclusionProof } from '../src/merkle/index.ts';

// ---- reference: RFC 6962 §2.1 / RFC 9162 §2.1.1 and §2.1.3.1, literally ----

const sha256 = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash('sha256');
  for (const part of parts) h.update(part);
  return new Uint8Array(h.digest());
};
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));

/** Largest power of two smaller than n (n > 1). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[n]). */
function refMth(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return sha256(new Uint8Array(0));
  if (leaves.length === 1) return sha256(Uint8Array.of(0), leaves[0]!);
  const k = split(leaves.length);
  return sha256(Uint8Array.of(1), refMth(leaves.slice(0, k)), refMth(leaves.slice(k)));
}

/** PATH(m, D[n]), leaf side first. */
function refPath(m: number, leaves: Uint8Array[]): Uint8Array[] {
  if (leaves.length <= 1) return [];
  const k = split(leaves.length);
  return m < k
    ? [...refPath(m, leaves.slice(0, k)), refMth(leaves.slice(k))]
    : [...refPath(m - k, leaves.slice(k)), refMth(leaves.slice(0, k))];
}

/** n distinct tx-file-like CIDs (raw, sha2-256 of the counter). */
function cids(n: number, salt = 0): CID[] {
  return Array.from({ length: n }, (_, i) =>
    CID.createV1(0x55, Digest.create(0x12, sha256(Uint8Array.of(salt, i >> 16, i >> 8, i)))),
  );
}

const badProof = (field?: string, text?: RegExp) => (e: unknown) =>
  e instanceof ProtocolError &&
  e.code === ErrorCode.BadProof &&
  (field === undefined || e.field === field) &&
  (text === undefined || text.test(e.message));

// ---- Certificate Transparency vectors ----

const CT_LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map(unhex);
const CT_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
/** Inclusion vectors, 0-based index. */
const CT_INCLUSION = [
  {
    index: 0,
    size: 8,
    path: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    size: 8,
    path: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  { index: 2, size: 3, path: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  {
    index: 1,
    size: 5,
    path: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
];

void describe('Merkle roots (RFC 6962 known answers)', () => {
  const leafHashes = CT_LEAVES.map(merkleLeafHash);

  void it('empty tree is SHA-256 of the empty string', () => {
    assert.equal(hex(EMPTY_TREE_ROOT), CT_ROOTS[0]);
    assert.equal(hex(merkleRootSync([])), CT_ROOTS[0]);
    assert.equal(MerkleTree.fromLeafHashes([]).rootHex, CT_ROOTS[0]);
    assert.equal(MerkleTree.fromLeafHashes([]).size, 0);
  });

  void it('every size 1..8 matches the published tree head, by all three builders', async () => {
    for (let n = 1; n <= 8; n += 1) {
      const slice = leafHashes.slice(0, n);
      assert.equal(hex(merkleRootSync(slice)), CT_ROOTS[n], `sync ${n}`);
      assert.equal(hex(await merkleRoot(slice)), CT_ROOTS[n], `async ${n}`);
      assert.equal(MerkleTree.fromLeafHashes(slice).rootHex, CT_ROOTS[n], `tree ${n}`);
    }
  });

  void it('inclusion paths match the published vectors and lead to the published roots', () => {
    for (const v of CT_INCLUSION) {
      const tree = MerkleTree.fromLeafHashes(leafHashes.slice(0, v.size));
      assert.deepEqual(tree.inclusionPath(v.index).map(hex), v.path, `${v.index}/${v.size}`);
      const root = rootFromInclusionPath(leafHashes[v.index]!, v.index, v.size, v.path.map(unhex));
      assert.equal(hex(root), CT_ROOTS[v.size]);
    }
  });

  void it('the accumulator gives the right root after every leaf', () => {
    const accumulator = new MerkleRootAccumulator();
    for (let n = 1; n <= 8; n += 1) {
      accumulator.add(leafHashes[n - 1]!);
      assert.equal(accumulator.size, n);
      assert.equal(hex(accumulator.root()), CT_ROOTS[n]);
    }
  });

  void it('odd counts are not padded: the 3-leaf root is H(1‖H(1‖a‖b)‖c), not with c duplicated', () => {
    const [a, b, c] = leafHashes as [Uint8Array, Uint8Array, Uint8Array];
    const expected = sha256(Uint8Array.of(1), sha256(Uint8Array.of(1), a, b), c);
    const duplicated = sha256(
      Uint8Array.of(1),
      sha256(Uint8Array.of(1), a, b),
      sha256(Uint8Array.of(1), c, c),
    );
    assert.deepEqual(merkleRootSync([a, b, c]), expected);
    assert.notDeepEqual(merkleRootSync([a, b, c]), duplicated);
  });
});

void describe('RFC 6962 §2.1.3 example tree (7 leaves)', () => {
  void it('has the audit paths the RFC lists', () => {
    const d = Array.from({ length: 7 }, (_, i) => Uint8Array.of(i));
    const [a, b, c, dd, e, f] = d.slice(0, 6).map((x) => sha256(Uint8Array.of(0), x));
    const j = sha256(Uint8Array.of(0), d[6]!);
    const node = (l: Uint8Array, r: Uint8Array): Uint8Array => sha256(Uint8Array.of(1), l, r);
    const g = node(a!, b!);
    const h = node(c!, dd!);
    const i = node(e!, f!);
    const k = node(g, h);
    const l = node(i, j);
    const tree = MerkleTree.fromLeafHashes(d.map(merkleLeafHash));
    assert.deepEqual(tree.root, node(k, l));
    assert.deepEqual(tree.inclusionPath(0).map(hex), [b!, h, l].map(hex)); // d0: [b, h, l]
    assert.deepEqual(tree.inclusionPath(3).map(hex), [c!, g, l].map(hex)); // d3: [c, g, l]
    assert.deepEqual(tree.inclusionPath(4).map(hex), [f!, j, k].map(hex)); // d4: [f, j, k]
    assert.deepEqual(tree.inclusionPath(6).map(hex), [i, k].map(hex)); // d6: [i, k]
  });
});

void describe('MerkleTree against the recursive reference, n = 1..70, every index', () => {
  void it('roots, paths, path lengths and proofs all agree', async () => {
    const all = cids(70);
    for (let n = 1; n <= 70; n += 1) {
      const leaves = all.slice(0, n);
      const data = leaves.map((cid) => cid.bytes);
      const expectedRoot = hex(refMth(data));
      const tree = MerkleTree.fromCids(leaves.map(String));
      assert.equal(tree.rootHex, expectedRoot, `tree root n=${n}`);
      assert.equal(hex(await merkleRoot(data.map(merkleLeafHash))), expectedRoot, `streaming root n=${n}`);
      for (let m = 0; m < n; m += 1) {
        const expectedPath = refPath(m, data).map(hex);
        const proof = tree.proof(m);
        assert.deepEqual(proof.path, expectedPath, `path m=${m} n=${n}`);
        assert.equal(inclusionPathLength(m, n), expectedPath.length);
        assert.equal(proof.leaf, leaves[m]!.toString());
        assert.equal(proof.root, expectedRoot);
        verifyInclusionProof(proof, { root: expectedRoot, treeSize: n });
        assert.equal(isValidInclusionProof(proof), true);
      }
    }
  });
});

void describe('tampered proofs fail with a specific reason', () => {
  const leaves = cids(70, 1);
  const flip = (h: string): string => h.slice(0, 10) + (parseInt(h[10]!, 16) ^ 8).toString(16) + h.slice(11);
  const sizes = [1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 17, 31, 33, 70];

  void it('every path element, index, treeSize, root and leaf', () => {
    for (const n of sizes) {
      const tree = MerkleTree.fromCids(leaves.slice(0, n));
      for (let m = 0; m < n; m += 1) {
        const proof = tree.proof(m);
        const check = (changed: Partial<InclusionProof>, field?: string, text?: RegExp): void => {
          const tampered = { ...proof, ...changed };
          assert.throws(
            () => {
              verifyInclusionProof(tampered);
            },
            badProof(field, text),
            `${JSON.stringify(changed)} m=${m} n=${n}`,
          );
          assert.equal(isValidInclusionProof(tampered), false);
        };
        // The path alone does not bind the tree size (RFC 9162), the trusted count does.
        const checkSize = (treeSize: number): void => {
          const tampered = { ...proof, treeSize };
          assert.throws(() => {
            verifyInclusionProof(tampered, { treeSize: n });
          }, badProof('treeSize'));
          if (inclusionPathLength(m, treeSize) !== proof.path.length) {
            assert.throws(
              () => {
                verifyInclusionProof(tampered);
              },
              badProof('path'),
              `treeSize ${treeSize} m=${m} n=${n}`,
            );
          }
        };
        proof.path.forEach((_, i) => {
          check({ path: proof.path.map((p, j) => (i === j ? flip(p) : p)) }, 'root', /path leads to root/);
        });
        if (m > 0) check({ index: m - 1 });
        if (m + 1 < n) check({ index: m + 1 });
        check({ index: n }, 'index', /out of range/);
        checkSize(n + 1);
        checkSize(n * 2);
        const smaller = Math.max(m + 1, Math.floor(n / 2));
        if (smaller !== n) checkSize(smaller);
        check({ root: flip(proof.root) }, 'root');
        check({ leaf: leaves[(m + 1) % leaves.length]!.toString() }, 'root');
        check({ path: [...proof.path, proof.root] }, 'path', /too long/);
        check({ path: [proof.root, ...proof.path] });
        if (proof.path.length > 0) check({ path: proof.path.slice(0, -1) }, 'path', /too short/);
        assert.throws(
          () => {
            verifyInclusionProof(proof, { root: flip(proof.root) });
          },
          badProof('root', /expected/),
        );
        assert.throws(() => {
          verifyInclusionProof(proof, { root: unhex(flip(proof.root)) });
        }, badProof('root'));
        verifyInclusionProof(proof, { root: proof.root, treeSize: n });
      }
    }
  });

  void it('rootFromInclusionPath implements RFC 9162 §2.1.3.2 failure cases', () => {
    const h = new Uint8Array(32);
    assert.throws(() => rootFromInclusionPath(h, 1, 1, []), badProof('index'));
    assert.throws(() => rootFromInclusionPath(h, -1, 1, []), badProof('index'));
    assert.throws(() => rootFromInclusionPath(h, 0, 0, []), badProof('treeSize'));
    assert.throws(() => rootFromInclusionPath(h, 0, 1, [h]), badProof('path', /too long/));
    assert.throws(() => rootFromInclusionPath(h, 0, 2, []), badProof('path', /too short/));
    assert.throws(() => rootFromInclusionPath(h, 0, 2, [new Uint8Array(31)]), badProof('path[0]'));
    assert.deepEqual(rootFromInclusionPath(h, 0, 1, []), h);
  });
});

void describe('parseInclusionProof', () => {
  const tree = MerkleTree.fromCids(cids(5, 2));
  const good = tree.proof(3);

  void it('round-trips the stable JSON shape', () => {
    const json = JSON.stringify(good);
    assert.deepEqual(Object.keys(JSON.parse(json) as object), [
      'version',
      'algorithm',
      'leaf',
      'index',
      'treeSize',
      'path',
      'root',
    ]);
    assert.deepEqual(parseInclusionProof(JSON.parse(json)), good);
    assert.deepEqual(parseInclusionProof(json), good);
    assert.equal(good.version, 1);
    assert.equal(good.algorithm, 'rfc6962-sha256');
  });

  void it('rejects anything off-shape with BAD_PROOF on the field', () => {
    const cases: [unknown, string][] = [
      ['{not json', '-'],
      [null, '-'],
      [[], '-'],
      [{ ...good, extra: 1 }, 'extra'],
      [{ ...good, root: undefined }, 'root'],
      [{ ...good, version: 2 }, 'version'],
      [{ ...good, version: '1' }, 'version'],
      [{ ...good, algorithm: 'sha256' }, 'algorithm'],
      [{ ...good, leaf: 'QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH' }, 'leaf'],
      [{ ...good, leaf: good.leaf.toUpperCase() }, 'leaf'],
      [{ ...good, index: -1 }, 'index'],
      [{ ...good, index: 1.5 }, 'index'],
      [{ ...good, index: '3' }, 'index'],
      [{ ...good, index: 5 }, 'index'],
      [{ ...good, treeSize: 0 }, 'treeSize'],
      [{ ...good, treeSize: 2 ** 53 }, 'treeSize'],
      [{ ...good, path: 'abc' }, 'path'],
      [{ ...good, path: [good.path[0]!.toUpperCase()] }, 'path[0]'],
      [{ ...good, path: [good.path[0], good.path[1]!.slice(2)] }, 'path[1]'],
      [{ ...good, path: [good.path[0], 7] }, 'path[1]'],
      [{ ...good, path: Array.from({ length: 65 }, () => good.root) }, 'path'],
      [{ ...good, root: `${good.root}00` }, 'root'],
      [{ ...good, root: good.root.replace(/./, 'g') }, 'root'],
    ];
    for (const [value, field] of cases) {
      const raw = typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...value } : value;
      if (
        field === 'root' &&
        raw !== null &&
        typeof raw === 'object' &&
        'root' in raw &&
        raw.root === undefined
      ) {
        delete (raw as { root?: unknown }).root;
      }
      assert.throws(() => parseInclusionProof(raw), badProof(field), `${JSON.stringify(raw)} -> ${field}`);
      assert.equal(isValidInclusionProof(raw), false);
    }
  });
});

void describe('MerkleTree API edges', () => {
  void it('proof needs a leaf CID when built from hashes, and checks it', () => {
    const leaves = cids(9, 3);
    const tree = MerkleTree.fromLeafHashes(leaves.map((c) => merkleLeafHash(c.bytes)));
    assert.throws(() => tree.proof(2), badProof('leaf'));
    assert.throws(() => tree.proof(2, leaves[3]), badProof('leaf'));
    verifyInclusionProof(tree.proof(2, leaves[2]));
    verifyInclusionProof(tree.proof(2, leaves[2]!.toString()));
    assert.equal(tree.leafCid(2), undefined);
    assert.deepEqual(tree.leafHash(2), merkleLeafHash(leaves[2]!.bytes));
  });

  void it('rejects out-of-range indexes and empty-tree proofs', () => {
    const tree = MerkleTree.fromCids(cids(4, 4));
    for (const index of [-1, 4, 1.5, Number.NaN]) assert.throws(() => tree.proof(index), badProof('index'));
    assert.throws(() => MerkleTree.fromCids([]).proof(0), badProof('index'));
  });

  void it('rejects leaf hashes of the wrong size and bad CIDs', () => {
    assert.throws(() => MerkleTree.fromLeafHashes([new Uint8Array(31)]), badProof('leaves[0]'));
    assert.throws(() => {
      new MerkleRootAccumulator().add(new Uint8Array(33));
    }, badProof());
    assert.throws(
      () => MerkleTree.fromCids(['bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku', 'nope']),
      (e: unknown) => e instanceof ProtocolError && e.code === ErrorCode.BadCid && e.field === 'leaves[1]',
    );
  });

  void it('accepts any iterable, not only arrays', () => {
    const leaves = cids(37, 5);
    function* gen(): Generator<CID> {
      yield* leaves;
    }
    assert.equal(MerkleTree.fromCids(gen()).rootHex, hex(refMth(leaves.map((c) => c.bytes))));
  });
});

void describe('properties (fast-check)', () => {
  void it('every proof of every tree verifies, and any single mutation is rejected', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 300 })
          .chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n - 1 }))),
        fc.integer({ min: 0, max: 255 }),
        fc.nat(),
        ([n, m], salt, pick) => {
          const leaves = cids(n, salt);
          const tree = MerkleTree.fromCids(leaves);
          const proof = tree.proof(m);
          verifyInclusionProof(proof, { root: tree.root, treeSize: n });
          assert.equal(proof.path.length, inclusionPathLength(m, n));
          // One mutation chosen by `pick`.
          const mutations: Partial<InclusionProof>[] = [
            { index: (m + 1 + (pick % n)) % n === m ? (m + 1) % (n + 1) : (m + 1 + (pick % n)) % n },
            { leaf: cids(1, (salt + 1) % 256)[0]!.toString() },
          ];
          if (proof.path.length > 0) {
            const i = pick % proof.path.length;
            const p = proof.path[i]!;
            const bit = pick % 4;
            const digit = (parseInt(p[i % 64]!, 16) ^ (1 << bit)).toString(16);
            mutations.push({
              path: proof.path.map((q, j) =>
                j === i ? q.slice(0, i % 64) + digit + q.slice((i % 64) + 1) : q,
              ),
            });
            mutations.push({ path: proof.path.slice(1) });
          }
          for (const mutation of mutations) {
            assert.equal(isValidInclusionProof({ ...proof, ...mutation }), false, JSON.stringify(mutation));
          }
          // A different tree size is caught once the trusted size is supplied.
          const otherSize = n + 1 + (pick % 1000);
          assert.equal(isValidInclusionProof({ ...proof, treeSize: otherSize }, { treeSize: n }), false);
        },
      ),
      { numRuns: 300 },
    );
  });

  void it('the streaming root equals the recursive MTH for any leaves', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 100 }), (data) => {
        const expected = hex(refMth(data));
        assert.equal(hex(merkleRootSync(data.map(merkleLeafHash))), expected);
        assert.equal(MerkleTree.fromLeafHashes(data.map(merkleLeafHash)).rootHex, expected);
      }),
      { numRuns: 200 },
    );
  });
});
