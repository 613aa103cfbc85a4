/**
 * `anchorpost merkle root LEAVES | prove LEAVES INDEX | verify PROOF`: RFC 6962 Merkle trees over
 * tx-file CIDs. LEAVES is a text file with one CID per line ('-' reads standard input).
 */
import { readFile } from 'node:fs/promises';
import { MerkleTree, parseCid, parseInclusionProof, verifyInclusionProof } from '@anchorpost/protocol';
import { CliError, UsageError } from '../failure.ts';
import { readJson } from '../files.ts';

export const MERKLE_USAGE =
  'anchorpost merkle root LEAVES | merkle prove LEAVES INDEX | merkle verify PROOF.json';

export async function merkleCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'root': {
      if (rest.length !== 1) throw new UsageError('usage: anchorpost merkle root LEAVES');
      process.stdout.write(`${(await readTree(rest[0]!)).rootHex}\n`);
      return 0;
    }
    case 'prove': {
      if (rest.length !== 2 || !/^\d+$/.test(rest[1]!))
        throw new UsageError('usage: anchorpost merkle prove LEAVES INDEX');
      const tree = await readTree(rest[0]!);
      const index = Number(rest[1]);
      if (index >= tree.size)
        throw new CliError(
          'OUT_OF_RANGE',
          'INDEX',
          `index ${index} is outside a tree of ${tree.size} leaves`,
        );
      process.stdout.write(`${JSON.stringify(tree.proof(index), null, 2)}\n`);
      return 0;
    }
    case 'verify': {
      if (rest.length !== 1) throw new UsageError('usage: anchorpost merkle verify PROOF.json');
      verifyInclusionProof(parseInclusionProof(await readJson(rest[0]!, 'proof')));
      process.stdout.write('valid\n');
      return 0;
    }
    default:
      throw new UsageError(`usage: ${MERKLE_USAGE}`);
  }
}

async function readTree(path: string): Promise<MerkleTree> {
  const text = path === '-' ? await readStdin() : await readFile(path, 'utf8');
  const lines = text.split('\n').map((line) => line.trim());
  if (lines.at(-1) === '') lines.pop();
  if (lines.length === 0) throw new CliError('EMPTY_BATCH', 'LEAVES', 'no CIDs given');
  // parseCid names the offending line, so a typo is reported where it is.
  const cids = lines.map((line, i) => parseCid(line, `LEAVES:${i + 1}`));
  return MerkleTree.fromCids(cids);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
