/** CID throughput: many small files (the tx-file case, one raw leaf) and a few 10 MiB files (UnixFS DAG). */
import { createCipheriv } from 'node:crypto';
import { cidForBytes, cidForBytesViaImporter, cidForChunks } from '../src/cid/index.ts';
import { bench, figure, note, ratio } from './harness.ts';

function randomBytes(size: number, seed: number): Uint8Array {
  const key = new Uint8Array(16).fill(seed);
  return new Uint8Array(createCipheriv('aes-128-ctr', key, new Uint8Array(16)).update(new Uint8Array(size)));
}

const KIB = 1024;
const MIB = 1024 * KIB;

async function throughput(
  label: string,
  files: Uint8Array[],
  cidOf: (bytes: Uint8Array) => Promise<string>,
): Promise<number> {
  const ms = await bench(
    label,
    async () => {
      for (const file of files) await cidOf(file);
    },
    { runs: 3, warmup: 1 },
  );
  const bytes = files.reduce((a, f) => a + f.byteLength, 0);
  figure(`${label}: files/s`, (files.length * 1000) / ms, 'files/s', 0);
  figure(`${label}: MB/s`, bytes / 1e6 / (ms / 1000), 'MB/s');
  return ms;
}

export async function run(): Promise<void> {
  note('cidForBytes = Kubo-identical CIDv1 (raw leaves, 256 KiB chunks, balanced 174); nothing is stored');
  const small = Array.from({ length: 20_000 }, (_, i) => randomBytes(KIB, i % 256));
  const fast = await throughput('cid: 20,000 × 1 KiB, cidForBytes (fast path)', small, cidForBytes);
  const importer = await throughput(
    'cid: 20,000 × 1 KiB, through the UnixFS importer',
    small,
    cidForBytesViaImporter,
  );
  ratio('cid: 1 KiB files, importer / fast path', importer, fast);

  const large = Array.from({ length: 5 }, (_, i) => randomBytes(10 * MIB, i));
  await throughput('cid: 5 × 10 MiB, cidForBytes', large, cidForBytes);
  await throughput('cid: 5 × 10 MiB, cidForChunks (64 KiB chunks)', large, (file) => {
    const chunks: Uint8Array[] = [];
    for (let at = 0; at < file.byteLength; at += 64 * KIB) chunks.push(file.subarray(at, at + 64 * KIB));
    return cidForChunks(chunks);
  });
}
