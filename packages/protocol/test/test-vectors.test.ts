/**
 * Re-derives every published test vector from its description with the current code, so a change
 * that would make us disagree with the vectors (and with every implementation checked against
 * them) fails here. Inputs are rebuilt from the rules written in the files, independently of
 * scripts/generate-test-vectors.ts. Regenerate deliberately with `npm run vectors`.
 */
import { createCipheriv, createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CID } from 'multiformats/cid';
import * as Digest from 'multiformats/hashes/digest';
import { verifyBatchFile, writeBatchFile } from '../src/batch-file/index.ts';
import type { BatchFileBlock, BatchHeader } from '../src/batch-file/index.ts';
import { cidForBytes, cidForChunks, cidToBytes } from '../src/cid/index.ts';
import { toHex } from '../src/bytes.ts';
import { isProtocolError, ProtocolError } from '../src/errors.ts';
import {
  EMPTY_TREE_ROOT,
  merkleLeafHash,
  MerkleTree,
  parseInclusionProof,
  verifyInclusionProof,
} from '../src/merkle/index.ts';
import type { InclusionProof } from '../src/merkle/index.ts';

const load = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../test-vectors/${name}`, import.meta.url), 'utf8'));

interface VectorFile {
  name: string;
  version: number;
  description: string;
}

function checkHeader(file: VectorFile, name: string): void {
  assert.equal(file.name, name);
  assert.equal(file.version, 1);
  assert.ok(file.description.length > 40);
}

/** Patterns as the file defines them. */
function content(pattern: string, size: number): Uint8Array {
  if (pattern === 'i*31+7 mod 256') return Uint8Array.from({ length: size }, (_, i) => (i * 31 + 7) % 256);
  if (pattern === 'zero') return new Uint8Array(size);
  if (pattern === 'aes-128-ctr') {
    const key = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
    return new Uint8Array(
      createCipheriv('aes-128-ctr', key, new Uint8Array(16)).update(new Uint8Array(size)),
    );
  }
  throw new Error(`unknown pattern ${pattern}`);
}

/** counterCid(codec, i) = CIDv1(codec, sha2-256(uint32_be(i))). */
function counterCid(codec: number, i: number): string {
  const counter = Buffer.alloc(4);
  counter.writeUInt32BE(i);
  return CID.createV1(
    codec,
    Digest.create(0x12, new Uint8Array(createHash('sha256').update(counter).digest())),
  ).toString();
}

void describe('test-vectors/cid-v1.json', () => {
  const file = load('cid-v1.json') as VectorFile & {
    patterns: Record<string, string>;
    vectors: { size: number; pattern: string; cid: string }[];
  };

  void it('has the versioned header', () => {
    checkHeader(file, 'anchorpost-cid');
    assert.deepEqual(Object.keys(file.patterns).sort(), ['aes-128-ctr', 'i*31+7 mod 256', 'zero']);
  });

  void it('every CID is reproduced by cidForBytes and cidForChunks', async () => {
    for (const v of file.vectors) {
      const bytes = content(v.pattern, v.size);
      assert.equal(await cidForBytes(bytes), v.cid, `${v.pattern} × ${v.size}`);
      const chunks = [bytes.subarray(0, 100_000), bytes.subarray(100_000)];
      assert.equal(await cidForChunks(chunks), v.cid, `${v.pattern} × ${v.size} (stream)`);
    }
  });
});

void describe('test-vectors/merkle-v1.json', () => {
  const file = load('merkle-v1.json') as VectorFile & {
    emptyTreeRoot: string;
    leaves: string[];
    leafHashes: string[];
    trees: { size: number; root: string; proofs: InclusionProof[] }[];
    invalid: { why: string; proof: unknown; field: string }[];
  };

  void it('has the versioned header and the RFC 6962 empty root', () => {
    checkHeader(file, 'anchorpost-merkle');
    assert.equal(file.emptyTreeRoot, toHex(EMPTY_TREE_ROOT));
  });

  void it('leaves follow the counter rule and hash as listed', () => {
    file.leaves.forEach((cid, i) => {
      assert.equal(cid, counterCid(0x55, i));
      assert.equal(toHex(merkleLeafHash(cidToBytes(cid))), file.leafHashes[i]);
    });
  });

  void it('every root and every proof is reproduced, and every proof verifies', () => {
    assert.ok(file.trees.length >= 18);
    for (const t of file.trees) {
      const tree = MerkleTree.fromCids(file.leaves.slice(0, t.size));
      assert.equal(tree.rootHex, t.root, `root of ${t.size}`);
      assert.equal(t.proofs.length, t.size);
      t.proofs.forEach((proof, i) => {
        assert.deepEqual(parseInclusionProof(proof), proof);
        assert.deepEqual(tree.proof(i), proof, `proof ${i} of ${t.size}`);
        verifyInclusionProof(proof, { root: t.root, treeSize: t.size });
      });
    }
  });

  void it('every invalid proof fails with BAD_PROOF on the listed field', () => {
    assert.ok(file.invalid.length > 0);
    for (const v of file.invalid) {
      assert.throws(
        () => {
          verifyInclusionProof(v.proof as InclusionProof);
        },
        (e: unknown) => e instanceof ProtocolError && e.code === 'BAD_PROOF' && e.field === v.field,
        v.why,
      );
    }
  });
});

void describe('test-vectors/batch-file-v1.json', () => {
  interface Entries {
    cids?: string[];
    counter?: { codec: 'raw' | 'dag-pb'; count: number };
  }
  const file = load('batch-file-v1.json') as VectorFile & {
    vectors: {
      name: string;
      header: BatchHeader;
      entries: Entries;
      merkleRoot: string;
      count: number;
      rootCid: string;
      blocks: { kind: string; cid: string; size: number; hex?: string }[];
    }[];
    refusals: { name: string; header: BatchHeader; entries: Entries; code: string; field: string }[];
  };

  const entriesOf = (e: Entries): string[] =>
    e.cids ??
    Array.from({ length: e.counter!.count }, (_, i) =>
      counterCid(e.counter!.codec === 'raw' ? 0x55 : 0x70, i),
    );

  void it('has the versioned header', () => {
    checkHeader(file, 'anchorpost-batch-file');
  });

  void it('every batch is reproduced block for block, and verifies', async () => {
    for (const v of file.vectors) {
      const blocks: BatchFileBlock[] = [];
      const root = await writeBatchFile(v.header, entriesOf(v.entries), (b) => {
        blocks.push(b);
      });
      assert.equal(root.cid.toString(), v.rootCid, v.name);
      assert.equal(toHex(root.root.merkleRoot), v.merkleRoot, v.name);
      assert.equal(root.root.count, v.count, v.name);
      assert.equal(blocks.length, v.blocks.length, v.name);
      blocks.forEach((b, i) => {
        const expected = v.blocks[i]!;
        assert.equal(b.kind, expected.kind);
        assert.equal(b.cid.toString(), expected.cid);
        assert.equal(b.bytes.byteLength, expected.size);
        if (expected.hex !== undefined) assert.equal(toHex(b.bytes), expected.hex);
      });
      const store = new Map(blocks.map((b) => [b.cid.toString(), b.bytes]));
      const verified = await verifyBatchFile(root.bytes, (cid) => store.get(cid.toString())!);
      assert.equal(verified.cid.toString(), v.rootCid);
    }
  });

  void it('the vectors form a chain: sequence 0, 1, 2…, each previous the batch before', () => {
    file.vectors.forEach((v, i) => {
      assert.equal(v.header.sequence, i);
      assert.equal(v.header.previous, i === 0 ? null : file.vectors[i - 1]!.rootCid);
    });
  });

  void it('every refusal fails with the listed code and field', async () => {
    assert.ok(file.refusals.length > 0);
    for (const r of file.refusals) {
      await assert.rejects(
        writeBatchFile(r.header, entriesOf(r.entries), () => undefined),
        (e: unknown) => isProtocolError(e) && e.code === r.code && e.field === r.field,
        r.name,
      );
    }
  });
});
