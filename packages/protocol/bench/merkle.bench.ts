/**
 * Merkle root and every inclusion proof for 1,000,000 tx-file CIDs, against
 * @openzeppelin/merkle-tree over the same CIDs measured in the same run. OpenZeppelin takes
 * minutes at a million (every proof walks hex strings), so both are also measured at 100,000 and
 * compared there; set ANCHORPOST_BENCH_OZ_FULL=1 to time OpenZeppelin at 1,000,000 too.
 */
import { createHash } from 'node:crypto';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { cidBytesToText, cidToBytes } from '../src/cid/index.ts';
import { MerkleRootAccumulator, MerkleTree } from '../src/merkle/index.ts';
import { bench, figure, memoryInUseMb, note, ratio } from './harness.ts';

const FULL = 1_000_000;
const SHARED = 100_000;

/** CIDv1 raw sha2-256 of uint32_be(i): tx-file-like addresses. */
function makeCids(n: number): string[] {
  const out: string[] = [];
  const bytes = new Uint8Array(36);
  bytes.set([0x01, 0x55, 0x12, 0x20]);
  const counter = Buffer.alloc(4);
  for (let i = 0; i < n; i += 1) {
    counter.writeUInt32BE(i);
    bytes.set(createHash('sha256').update(counter).digest(), 4);
    out.push(cidBytesToText(bytes));
  }
  return out;
}

async function ours(cids: string[], label: string): Promise<number> {
  let tree: MerkleTree | undefined;
  const build = await bench(`merkle: build tree, ${label} CIDs (anchorpost)`, () => {
    tree = MerkleTree.fromCids(cids);
  });
  const proofs = await bench(`merkle: every inclusion proof, ${label} (anchorpost)`, () => {
    for (let i = 0; i < cids.length; i += 1) tree!.proof(i);
  });
  const withTree = memoryInUseMb();
  tree = undefined;
  figure(`merkle: memory held by the tree, ${label} CIDs (anchorpost)`, withTree - memoryInUseMb(), 'MB');
  figure(`merkle: build + every proof, ${label} (anchorpost)`, build + proofs, 'ms');
  return build + proofs;
}

async function openZeppelin(cids: string[], label: string): Promise<number> {
  // Same leaves: the binary CIDs, as Solidity `bytes` (OZ hashes them with double keccak256).
  const values = cids.map((cid) => [`0x${Buffer.from(cidToBytes(cid)).toString('hex')}`]);
  let tree: StandardMerkleTree<string[]> | undefined;
  const build = await bench(`merkle: build tree, ${label} CIDs (OpenZeppelin)`, () => {
    tree = StandardMerkleTree.of(values, ['bytes']);
  });
  const proofs = await bench(`merkle: every inclusion proof, ${label} (OpenZeppelin)`, () => {
    for (let i = 0; i < values.length; i += 1) tree!.getProof(i);
  });
  figure(`merkle: build + every proof, ${label} (OpenZeppelin)`, build + proofs, 'ms');
  return build + proofs;
}

export async function run(): Promise<void> {
  note(
    'anchorpost: RFC 6962 SHA-256 (node:crypto), flat buffers; OpenZeppelin: StandardMerkleTree, keccak256 in JS, sorted leaves',
  );
  const cids = makeCids(FULL);

  const oursFull = await ours(cids, '1,000,000');
  await bench('merkle: streaming root only, 1,000,000 CIDs (anchorpost)', () => {
    const accumulator = new MerkleRootAccumulator();
    for (const cid of cids) accumulator.addLeafData(cidToBytes(cid));
    accumulator.root();
  });

  const shared = cids.slice(0, SHARED);
  const oursShared = await ours(shared, '100,000');
  const ozShared = await openZeppelin(shared, '100,000');
  ratio('merkle: OpenZeppelin / anchorpost, build + every proof, 100,000', ozShared, oursShared);

  if (process.env.ANCHORPOST_BENCH_OZ_FULL === '1') {
    const ozFull = await openZeppelin(cids, '1,000,000');
    ratio('merkle: OpenZeppelin / anchorpost, build + every proof, 1,000,000', ozFull, oursFull);
  } else {
    // n log n scaling from the shared size: 10× the leaves, proofs 20/17 as long.
    note(
      `OpenZeppelin not run at 1,000,000 (projected ≈ ${Math.round((ozShared * 10 * 20) / 17 / 1000)} s); ` +
        'set ANCHORPOST_BENCH_OZ_FULL=1 to measure it',
    );
  }
}
