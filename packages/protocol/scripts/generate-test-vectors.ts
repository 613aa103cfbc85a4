/**
 * Writes the protocol test vectors under test-vectors/ (run: `npm run vectors` in
 * packages/protocol). Every input is described, not attached, so another implementation can
 * rebuild it: file contents by a byte pattern, Merkle leaves and batch entries by a counter.
 * The output is deterministic; test/test-vectors.test.ts re-derives every vector from its
 * description with the current code, so any drift fails the tests.
 */
import { createCipheriv, createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { CID } from 'multiformats/cid';
import * as Digest from 'multiformats/hashes/digest';
import { writeBatchFile } from '../src/batch-file/index.ts';
import type { BatchFileBlock, BatchHeader } from '../src/batch-file/index.ts';
import { cidForBytes } from '../src/cid/index.ts';
import { toHex } from '../src/bytes.ts';
import { isProtocolError } from '../src/errors.ts';
import { EMPTY_TREE_ROOT, merkleLeafHash, MerkleTree } from '../src/merkle/index.ts';

// ---- inputs, described ----

export const PATTERNS = {
  'i*31+7 mod 256': 'byte i of the file is (i*31 + 7) mod 256',
  zero: 'every byte is 0x00',
  'aes-128-ctr':
    'the AES-128-CTR keystream with key 000102030405060708090a0b0c0d0e0f and a zero IV (AES-CTR encryption of zero bytes)',
} as const;
export type Pattern = keyof typeof PATTERNS;

export function fileContent(pattern: Pattern, size: number): Uint8Array {
  switch (pattern) {
    case 'i*31+7 mod 256':
      return Uint8Array.from({ length: size }, (_, i) => (i * 31 + 7) % 256);
    case 'zero':
      return new Uint8Array(size);
    case 'aes-128-ctr': {
      const key = Uint8Array.from({ length: 16 }, (_, i) => i);
      return new Uint8Array(
        createCipheriv('aes-128-ctr', key, new Uint8Array(16)).update(new Uint8Array(size)),
      );
    }
  }
}

export const COUNTER_CID_RULE =
  'counterCid(codec, i) = CIDv1(codec, sha2-256(uint32_be(i))) in base32; codec raw = 0x55, dag-pb = 0x70';

export function counterCid(codec: 0x55 | 0x70, i: number): string {
  const counter = Buffer.alloc(4);
  counter.writeUInt32BE(i);
  const digest = new Uint8Array(createHash('sha256').update(counter).digest());
  return CID.createV1(codec, Digest.create(0x12, digest)).toString();
}

const header = (name: string, description: string) => ({ name, version: 1, description });

// ---- cid-v1.json ----

const CID_CASES: [Pattern, number][] = [
  ['i*31+7 mod 256', 0],
  ['i*31+7 mod 256', 1],
  ['i*31+7 mod 256', 2],
  ['i*31+7 mod 256', 1_000],
  ['i*31+7 mod 256', 262_143],
  ['i*31+7 mod 256', 262_144],
  ['i*31+7 mod 256', 262_145],
  ['i*31+7 mod 256', 524_289],
  ['zero', 262_144],
  ['zero', 262_145],
  ['zero', 1_048_576],
  ['aes-128-ctr', 1],
  ['aes-128-ctr', 262_144],
  ['aes-128-ctr', 262_145],
  ['aes-128-ctr', 10_485_760],
  ['aes-128-ctr', 174 * 262_144],
  ['aes-128-ctr', 174 * 262_144 + 1],
  ['aes-128-ctr', 47_185_920],
];

export async function buildCidVectors() {
  const vectors = [];
  for (const [pattern, size] of CID_CASES)
    vectors.push({ size, pattern, cid: await cidForBytes(fileContent(pattern, size)) });
  return {
    ...header(
      'anchorpost-cid',
      'Content addresses of tx-files: the CIDv1 (base32, raw leaves, sha2-256) that Kubo prints for ' +
        '`ipfs add --cid-version=1 --raw-leaves --only-hash`: 262,144-byte fixed chunks, balanced layout with ' +
        'at most 174 links per node, a single-chunk file (the empty file too) is its raw leaf.',
    ),
    patterns: PATTERNS,
    vectors,
  };
}

// ---- merkle-v1.json ----

const MERKLE_SIZES = [...Array.from({ length: 17 }, (_, i) => i + 1), 100];

export function buildMerkleVectors() {
  const leaves = Array.from({ length: 100 }, (_, i) => counterCid(0x55, i));
  const trees = MERKLE_SIZES.map((size) => {
    const tree = MerkleTree.fromCids(leaves.slice(0, size));
    return { size, root: tree.rootHex, proofs: Array.from({ length: size }, (_, i) => tree.proof(i)) };
  });
  const base = trees.find((t) => t.size === 7)!.proofs[3]!;
  const flip = (hex: string): string => (hex[0] === '0' ? '1' : '0') + hex.slice(1);
  const invalid: { why: string; proof: unknown; field: string }[] = [
    {
      why: 'a path hash changed',
      proof: { ...base, path: [flip(base.path[0]!), ...base.path.slice(1)] },
      field: 'root',
    },
    { why: 'the root changed', proof: { ...base, root: flip(base.root) }, field: 'root' },
    { why: 'another leaf', proof: { ...base, leaf: leaves[4] }, field: 'root' },
    { why: 'index moved', proof: { ...base, index: 2 }, field: 'root' },
    { why: 'index out of range', proof: { ...base, index: 7 }, field: 'index' },
    { why: 'a hash too many', proof: { ...base, path: [...base.path, base.root] }, field: 'path' },
    { why: 'a hash too few', proof: { ...base, path: base.path.slice(0, -1) }, field: 'path' },
    { why: 'upper-case hex', proof: { ...base, root: base.root.toUpperCase() }, field: 'root' },
    { why: 'unknown version', proof: { ...base, version: 2 }, field: 'version' },
    { why: 'unknown field', proof: { ...base, note: 'x' }, field: 'note' },
  ];
  return {
    ...header(
      'anchorpost-merkle',
      'RFC 6962 / RFC 9162 Merkle trees over tx-file CIDs: leaf data = the binary CID, leaf hash = ' +
        'SHA-256(0x00 ‖ leaf), node = SHA-256(0x01 ‖ left ‖ right), MTH splits at the largest power of two ' +
        'below n (no padding). Proofs use the InclusionProof v1 JSON; paths are leaf side first. ' +
        'Invalid proofs must fail with BAD_PROOF on the field given.',
    ),
    leafRule: `leaves[i] = counterCid(raw, i); ${COUNTER_CID_RULE}`,
    emptyTreeRoot: toHex(EMPTY_TREE_ROOT),
    leaves,
    leafHashes: leaves.map((cid) => toHex(merkleLeafHash(CID.parse(cid).bytes))),
    trees,
    invalid,
  };
}

// ---- batch-file-v1.json ----

interface EntriesSpec {
  /** Listed explicitly, or generated by the counter rule. */
  cids?: string[];
  counter?: { codec: 'raw' | 'dag-pb'; count: number };
}

export function batchEntries(spec: EntriesSpec): string[] {
  if (spec.cids !== undefined) return spec.cids;
  const { codec, count } = spec.counter!;
  return Array.from({ length: count }, (_, i) => counterCid(codec === 'raw' ? 0x55 : 0x70, i));
}

async function sealed(h: BatchHeader, entries: string[]) {
  const blocks: BatchFileBlock[] = [];
  const root = await writeBatchFile(h, entries, (b) => {
    blocks.push(b);
  });
  return { root, blocks };
}

export async function buildBatchFileVectors() {
  const genesisHeader = {
    platform: 'anchorpost-test',
    sequence: 0,
    previous: null,
    sealedAt: '2026-11-22T03:00:00.000Z',
  };
  const genesisEntries: EntriesSpec = { cids: [counterCid(0x55, 0)] };
  const genesis = await sealed(genesisHeader, batchEntries(genesisEntries));
  const secondHeader = {
    platform: 'anchorpost-test',
    sequence: 1,
    previous: genesis.root.cid.toString(),
    sealedAt: '2026-11-22T03:01:00.000Z',
  };
  const secondEntries: EntriesSpec = {
    cids: [counterCid(0x55, 1), counterCid(0x70, 2), counterCid(0x55, 3)],
  };
  const second = await sealed(secondHeader, batchEntries(secondEntries));
  const largeHeader = {
    ...secondHeader,
    sequence: 2,
    previous: second.root.cid.toString(),
    sealedAt: '2026-11-22T03:02:00.000Z',
  };
  const largeEntries: EntriesSpec = { counter: { codec: 'raw', count: 16_385 } };

  const cases: {
    name: string;
    header: typeof secondHeader | typeof genesisHeader;
    entries: EntriesSpec;
    withBytes: boolean;
  }[] = [
    { name: 'genesis, one entry', header: genesisHeader, entries: genesisEntries, withBytes: true },
    {
      name: 'chained, raw and dag-pb entries',
      header: secondHeader,
      entries: secondEntries,
      withBytes: true,
    },
    { name: 'two pages (16,385 entries)', header: largeHeader, entries: largeEntries, withBytes: false },
  ];
  const vectors = [];
  for (const c of cases) {
    const { root, blocks } = await sealed(c.header, batchEntries(c.entries));
    vectors.push({
      name: c.name,
      header: c.header,
      entries: c.entries,
      merkleRoot: toHex(root.root.merkleRoot),
      count: root.root.count,
      rootCid: root.cid.toString(),
      blocks: blocks.map((b) => ({
        kind: b.kind,
        cid: b.cid.toString(),
        size: b.bytes.byteLength,
        ...(c.withBytes ? { hex: toHex(b.bytes) } : {}),
      })),
    });
  }

  const refusals = [];
  const refusalCases: { name: string; header: BatchHeader; entries: EntriesSpec }[] = [
    { name: 'no entries', header: genesisHeader, entries: { cids: [] } },
    {
      name: 'a repeated entry',
      header: genesisHeader,
      entries: { cids: [counterCid(0x55, 0), counterCid(0x55, 1), counterCid(0x55, 0)] },
    },
    {
      name: 'previous on batch 0',
      header: { ...genesisHeader, previous: genesis.root.cid.toString() },
      entries: genesisEntries,
    },
    {
      name: 'sealedAt without milliseconds',
      header: { ...genesisHeader, sealedAt: '2026-11-22T03:00:00Z' },
      entries: genesisEntries,
    },
    { name: 'a dag-cbor entry', header: genesisHeader, entries: { cids: [genesis.root.cid.toString()] } },
  ];
  for (const r of refusalCases) {
    try {
      await sealed(r.header, batchEntries(r.entries));
      throw new Error(`refusal case "${r.name}" was accepted`);
    } catch (error) {
      if (!isProtocolError(error)) throw error;
      refusals.push({
        name: r.name,
        header: r.header,
        entries: r.entries,
        code: error.code,
        field: error.field,
      });
    }
  }

  return {
    ...header(
      'anchorpost-batch-file',
      'Batch-file v1: DAG-CBOR root { version, platform, sequence, previous, sealedAt, merkleRoot, count, ' +
        'pageSize: 16384, pages } and pages { version, index, entries }, all links tag 42, all blocks ' +
        'CIDv1 dag-cbor sha2-256. Blocks are listed in the order the encoder yields them (pages, then root). ' +
        'Refusals must fail with the code and field given.',
    ),
    entryRule: COUNTER_CID_RULE,
    vectors,
    refusals,
  };
}

// ---- write ----

export async function writeVectors(dir: URL): Promise<void> {
  const files: [string, unknown][] = [
    ['cid-v1.json', await buildCidVectors()],
    ['merkle-v1.json', buildMerkleVectors()],
    ['batch-file-v1.json', await buildBatchFileVectors()],
  ];
  for (const [name, content] of files) {
    writeFileSync(new URL(name, dir), `${JSON.stringify(content, null, 2)}\n`);
    console.log(`wrote ${name}`);
  }
}

if (import.meta.main) await writeVectors(new URL('../test-vectors/', import.meta.url));
